"""Code that runs inside the Lambda function: settings, the pure image core, S3 access and
the per-record orchestration. Developer tooling lives outside this package so it is never
deployed."""

"""The one distinction the handler cares about: can a retry ever help?

Shared by every layer (image/, config/, aws/, pipeline/), so it imports nothing."""


class PermanentError(Exception):
    """This record can never produce a thumbnail; log the reason and do not retry.

    Anything else raised while handling a record is treated as transient and re-raised, so
    Lambda retries the event and, after its retries, hands it to the failure destination.
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class ImageRejected(PermanentError):
    """The bytes can never become a thumbnail (not an image, corrupt, over a limit).

    Permanent by construction: retrying the same bytes gives the same answer.
    """


class OutOfTime(Exception):
    """Transient: this invocation has too little time left; a retry starts with a fresh one."""

"""The one distinction the handler cares about: can a retry ever help?"""


class PermanentError(Exception):
    """This record can never produce a thumbnail; log the reason and do not retry.

    Anything else raised while handling a record is treated as transient and re-raised, so
    Lambda retries the event and, after its retries, hands it to the failure destination.
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

"""What goes wrong in lip-sync, said so the user can act on it."""

from dubstudio.errors import DubStudioError


class LipSyncError(DubStudioError):
    """A lip-sync request that cannot be done as asked."""

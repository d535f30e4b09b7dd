"""What the channel tells a viewer whose change it could not make, event by event."""

from dataclasses import dataclass

# The reply to a post that reaches the server after its video was deleted.
VIDEO_GONE = "This video has been deleted, so nothing can be added to it."
_TOO_FAST = "You are going too fast; wait a second and try again."
_POSTING_TOO_FAST = "You are posting too fast; wait a second and try again."
_MISSING = "That annotation does not exist (perhaps it was just deleted)."


@dataclass(frozen=True, slots=True)
class Refusals:
    """One event's explanations: signed out, over the rate limit, its target missing, not the
    viewer's to change, and a failure of ours (`doing` names the work in the log)."""

    doing: str
    signed_out: str
    too_fast: str
    missing: str
    failed: str
    not_allowed: str = ""


POST = Refusals("storing an annotation", "Sign in to post annotations.", _POSTING_TOO_FAST,
                VIDEO_GONE, "Your annotation could not be saved. Please try again.")
REPLY = Refusals("storing a reply", "Sign in to reply.", _POSTING_TOO_FAST,
                 "That annotation is gone (perhaps it was just deleted), so it cannot be answered.",
                 "Your reply could not be saved. Please try again.")
EDIT = Refusals("editing an annotation", "Sign in to edit annotations.", _TOO_FAST, _MISSING,
                "Your edit could not be saved. Please try again.",
                "Only its author can edit an annotation.")
DELETE = Refusals("deleting an annotation", "Sign in to delete annotations.", _TOO_FAST, _MISSING,
                  "The annotation could not be deleted. Please try again.",
                  "Only its author, the video's owner or a moderator can delete an annotation.")
REACT = Refusals("storing a reaction", "Sign in to react.",
                 "You are reacting too fast; wait a moment and try again.",
                 "That annotation is gone (perhaps it was just deleted).",
                 "Your reaction could not be saved. Please try again.")
RESOLVE = Refusals("resolving an annotation", "Sign in to resolve annotations.", _TOO_FAST, _MISSING,
                   "That could not be saved. Please try again.",
                   "Only its author, the video's owner or a moderator can resolve an annotation.")
BLOCK = Refusals("blocking someone", "Sign in to block people.", _TOO_FAST,
                 "That person does not exist.", "They could not be blocked. Please try again.",
                 "Only the video's owner or a moderator can block people.")
REPORT = Refusals("storing a report", "Sign in to report annotations.", _TOO_FAST, _MISSING,
                  "Your report could not be saved. Please try again.")

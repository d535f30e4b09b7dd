"""The " id:username id:username " lists notifications keep (who acted) and read (who is mentioned)."""

from app.multimedia import AnnotationView


def people(text: str) -> list[tuple[int, str]]:
    """The (id, username) pairs of such a list, in its order; anything malformed is skipped."""
    pairs = []
    for entry in text.split():
        user_id, _, username = entry.partition(":")
        if user_id.isdecimal() and len(user_id) < 19 and username:
            pairs.append((int(user_id), username))
    return pairs


def person(user_id: int, username: str) -> str:
    """One entry of such a list, with the space that ends it."""
    return f"{int(user_id)}:{username} "


# STAND-IN for multimedia.mentioned_user_ids(view), which the mentions work adds in parallel:
# the lead switches the channel to it when merging, and this function goes.
def mentioned_user_ids(view: AnnotationView) -> list[int]:
    """The ids of the users the view's `mentions` column names (" id:username … ")."""
    return [user_id for user_id, _ in people(view.mentions)]

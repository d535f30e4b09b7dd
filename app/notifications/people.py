"""The " id:username id:username " lists notifications keep (who acted) and read (who is mentioned)."""


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

"""The people a watch page suggests for an @name: this video's commenters and viewers first."""

import re
import secrets

from app.live.wire import video_topic
from tests.factories import make_annotation, make_user, make_video


def suggested(client, video, q: str) -> list[str]:
    """The usernames the people endpoint offers for `q`, in order."""
    response = client.get(f"/watch/{video.id}/people", params={"q": q})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    return re.findall(r'<li id="person-\d+" role="option" aria-selected="false" '
                      r'data-username="([^"]+)">@\1</li>', response.text)


def tag() -> str:
    """A username prefix no other test's users start with."""
    return "p" + secrets.token_hex(3)


def test_commenters_and_viewers_come_first_then_everyone_else_each_by_username(client, run):
    mark = tag()
    names = ["anna", "bert", "cleo", "dora", "emil"]
    anna, bert, cleo, dora, emil = (run(make_user, f"{mark}_{name}") for name in names)
    video, elsewhere = run(make_video, emil), run(make_video, anna)
    run(make_annotation, dora, video, "I was here")
    run(make_annotation, anna, elsewhere, "Not on this video")
    run(client.app.state.live.presence.track, video_topic(video.id), "test-connection", bert.id)
    expected = ("bert", "dora", "anna", "cleo", "emil")  # watching, commented, then the others
    assert suggested(client, video, mark) == [f"{mark}_{name}" for name in expected]


def test_the_name_typed_so_far_matches_the_start_of_usernames_in_any_case(client, run):
    mark = tag()
    run(make_user, f"{mark}_Alice")
    run(make_user, f"{mark}_alan")
    run(make_user, f"{mark}_bob")
    video = run(make_video, run(make_user))
    assert suggested(client, video, f"@{mark.upper()}_AL") == [f"{mark}_alan", f"{mark}_Alice"]
    assert suggested(client, video, f"{mark}_z") == []


def test_at_most_eight_people_are_suggested(client, run):
    mark = tag()
    for number in range(10):
        run(make_user, f"{mark}_{number}")
    video = run(make_video, run(make_user))
    assert suggested(client, video, mark) == [f"{mark}_{number}" for number in range(8)]


def test_like_wildcards_and_markup_in_the_name_match_nothing_and_are_not_shown(client, run):
    mark = tag()
    run(make_user, f"{mark}_ab")
    run(make_user, f"{mark}xab")
    video = run(make_video, run(make_user))
    # An underscore is a username character, not LIKE's any-character wildcard.
    assert suggested(client, video, f"{mark}_") == [f"{mark}_ab"]
    for q in ("%", f"{mark}%", "<script>", '"><b>'):
        response = client.get(f"/watch/{video.id}/people", params={"q": q})
        assert response.status_code == 200 and response.text == ""


def test_an_unknown_video_has_no_people_to_suggest(client):
    assert client.get("/watch/999999999/people", params={"q": "a"}).status_code == 404

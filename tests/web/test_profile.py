"""Profile pages: a person's videos and recent annotations, each linking to its moment."""

import re
from html import unescape

from app import multimedia
from tests.factories import make_annotation, make_user, make_video


def recent_on(html: str) -> list[tuple[str, str]]:
    """Each recent annotation the profile lists, top to bottom: (its link, its text)."""
    items = re.findall(r'<a class="moment" href="([^"]+)">.*?<p class="body">(.*?)</p>', html, re.S)
    return [(unescape(href), text) for href, text in items]


def test_a_profile_lists_the_persons_videos_and_their_annotations_newest_first(client, run):
    alice, bob = run(make_user), run(make_user)
    clip = run(make_video, alice, title="Alice's clip")
    other = run(make_video, bob, title="Bob's clip")
    first = run(make_annotation, alice, other, "First words", at=12_250)
    gone = run(make_annotation, alice, clip, "Deleted soon", at=3_000)
    run(multimedia.delete_annotation, alice, gone.id)
    reply = run(multimedia.reply_to_annotation, alice, first.id, f"@{bob.username} & <you>")
    run(make_annotation, bob, clip, "Not hers")
    page = client.get(f"/users/{alice.username}")
    assert page.status_code == 200
    assert f"<h1>{alice.username}</h1>" in page.text
    assert f'<a href="/watch/{clip.id}-{clip.slug}"><h3>Alice&#39;s clip</h3></a>' in page.text
    assert "Bob&#39;s clip</h3>" not in page.text
    assert recent_on(page.text) == [
        (f"/watch/{other.id}-{other.slug}?t=12.25#annotation-{first.id}",
         f'<a class="mention" href="/users/{bob.username}">@{bob.username}</a> &amp; &lt;you&gt;'),
        (f"/watch/{other.id}-{other.slug}?t=12.25#annotation-{first.id}", "First words")]
    assert f'id="recent-{reply.id}"' in page.text


def test_a_profile_shows_at_most_twenty_annotations(client, run):
    alice = run(make_user)
    video = run(make_video, alice)
    for number in range(22):
        run(make_annotation, alice, video, f"Note {number}", at=number * 1000)
    texts = [text for _, text in recent_on(client.get(f"/users/{alice.username}").text)]
    assert texts == [f"Note {number}" for number in range(21, 1, -1)]


def test_someone_with_nothing_yet_gets_a_page_saying_so(client, run):
    newcomer = run(make_user)
    page = client.get(f"/users/{newcomer.username}").text
    assert "has not shared any videos yet." in page and "No annotations yet." in page


def test_a_username_in_another_case_redirects_to_the_profile(client, run):
    alice = run(make_user)
    response = client.get(f"/users/{alice.username.upper()}", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == f"/users/{alice.username}"


def test_an_unknown_user_gets_the_not_found_page(client):
    response = client.get("/users/nobody_at_all_here", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert "No such user." in response.text and "<h1>Not found</h1>" in response.text
    assert client.get("/users/not%20a%20name", headers={"Accept": "text/html"}).status_code == 404

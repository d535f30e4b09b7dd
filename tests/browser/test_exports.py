"""The annotations as a captions track in Chromium's own WebVTT parser, under the page's CSP."""

from tests.browser.conftest import TIMEOUT_MS, wait_live
from tests.browser.test_console import watched_page
from tests.browser.test_live_annotations import watch_path
from tests.factories import make_annotation, make_user, make_video

# Turns the (off by default) track on without showing it, which makes Chromium load it.
LOAD_TRACK = """() => { const track = document.querySelector('video').textTracks[0];
                        const before = track.mode; track.mode = 'hidden'; return before; }"""
# The <track> has fetched and parsed the whole file (or failed to: then the cues say why not).
TRACK_DONE = """() => [HTMLTrackElement.LOADED, HTMLTrackElement.ERROR]
                         .includes(document.querySelector('video track').readyState)"""
READ_CUES = """() => { const track = document.querySelector('video').textTracks[0];
  return {kind: track.kind, label: track.label, cues: [...track.cues].map((cue) => ({
    id: cue.id, start: cue.startTime, end: cue.endTime, text: cue.getCueAsHTML().textContent,
    voice: cue.getCueAsHTML().firstChild.title}))};
}"""


async def test_the_player_loads_the_annotations_as_an_optional_captions_track(new_page, clock_url):
    alice = await make_user()
    video = await make_video(alice, title="Captioned clock", url=clock_url)
    first = await make_annotation(alice, video, "Tick & <tock> --> done", at=1500)
    second = await make_annotation(alice, video, "Two\n\nlines", at=2000)
    page, problems = await watched_page(new_page)
    await page.goto(watch_path(video))
    await wait_live(page)
    assert await page.evaluate(LOAD_TRACK) == "disabled"
    await page.wait_for_function(TRACK_DONE, timeout=TIMEOUT_MS)
    track = await page.evaluate(READ_CUES)
    assert (track["kind"], track["label"]) == ("captions", "Annotations")
    assert track["cues"] == [
        {"id": f"annotation-{first.id}", "start": 1.5, "end": 5.5, "text": "Tick & <tock> --> done",
         "voice": alice.username},
        {"id": f"annotation-{second.id}", "start": 2.0, "end": 6.0, "text": "Two\nlines",
         "voice": alice.username},
    ]
    assert problems == []

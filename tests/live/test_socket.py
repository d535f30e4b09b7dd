"""The video socket against a real server: broadcast, replay, validation and refusals."""


from tests.factories import make_user, make_video


async def test_a_post_reaches_three_viewers_including_the_sender(join):
    alice, bob = await make_user(), await make_user()
    video = await make_video(alice)
    sender, other, anonymous = await join(video, alice), await join(video, bob), await join(video)
    await sender.post("First!", at=4200)
    for viewer in (sender, other, anonymous):
        frames = await viewer.frames_until("First!")
        assert 'data-at="4200"' in frames[-1]
        assert alice.username in frames[-1]

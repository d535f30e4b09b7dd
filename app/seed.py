"""Idempotent seeding: categories always; the offline demo user and video on embedded SQLite only."""

import asyncio
import shutil

from app import accounts, multimedia
from app.accounts import User
from app.database import use_database
from app.settings import ROOT, Settings

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "videologue-demo"
DEMO_CLIP = ROOT / "app" / "multimedia" / "demo" / "clock.webm"
DEMO_MEDIA_NAME = "demo-clock.webm"


async def seed(settings: Settings) -> None:
    """Create what a fresh install needs, leaving anything that exists alone."""
    await multimedia.seed_categories()
    if settings.database_url:
        return  # a shared database never gets a demo account with a published password
    target = settings.media_dir / DEMO_MEDIA_NAME
    if not target.exists():
        settings.media_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DEMO_CLIP, target)
    user = await User.objects().where(User.username_key == DEMO_USERNAME).first()
    if user is None:
        user = await accounts.register_user("Demo Viewer", DEMO_USERNAME, DEMO_PASSWORD)
    if not await multimedia.list_user_videos(user):
        categories = {c.name: c.id for c in await multimedia.list_categories()}
        await multimedia.create_video(user, {
            "title": "A minute of test pattern",
            "url": f"/media/{DEMO_MEDIA_NAME}",
            "description": "A generated 60-second test pattern with the time burned in. "
                           "Play it, pause anywhere and leave a comment at that moment.",
            "category_id": str(categories["Education"]),
        })


if __name__ == "__main__":
    settings = Settings.from_env()
    use_database(settings)
    asyncio.run(seed(settings))
    print(f"Seeded. Demo sign-in: {DEMO_USERNAME} / {DEMO_PASSWORD}")

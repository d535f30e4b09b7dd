"""Video categories: seeded once, listed alphabetically."""

from app.multimedia.tables import Category

DEFAULT_CATEGORIES = ("Action", "Comedy", "Documentary", "Drama", "Education", "Music", "Sci-fi")


async def seed_categories() -> None:
    """Create the default categories that do not exist yet."""
    existing = {row["name"] for row in await Category.select(Category.name)}
    missing = [Category(name=name) for name in DEFAULT_CATEGORIES if name not in existing]
    if missing:
        await Category.insert(*missing)


async def list_categories() -> list[Category]:
    """All categories, alphabetically."""
    return await Category.objects().order_by(Category.name)

"""Categories: seeded once, listed alphabetically."""

from app import multimedia
from tests.multimedia.expected import SEEDED_CATEGORIES


async def test_seeding_twice_creates_each_category_once_and_they_list_alphabetically():
    await multimedia.seed_categories()
    await multimedia.seed_categories()
    assert [category.name for category in await multimedia.list_categories()] == SEEDED_CATEGORIES

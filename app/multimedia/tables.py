"""The multimedia context's tables: categories, videos and their annotations."""

from piccolo.columns import ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

from app.accounts.tables import User


class Category(Table, tablename="categories"):
    """A genre a video can be filed under."""

    name = Varchar(length=40, unique=True)


class Video(Table, tablename="videos"):
    """A video someone shared: a YouTube link, a direct media link or a served file."""

    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    category = ForeignKey(references=Category, null=True, on_delete=OnDelete.set_null)
    title = Varchar(length=120)
    url = Varchar(length=2048)
    description = Text(default="")
    slug = Varchar(length=80)
    created_at = Timestamptz()


class Annotation(Table, tablename="annotations"):
    """A comment pinned to a moment (`at`, in ms) of a video."""

    user = ForeignKey(references=User, on_delete=OnDelete.cascade)
    video = ForeignKey(references=Video, on_delete=OnDelete.cascade, index=True)
    body = Text()
    at = Integer()
    created_at = Timestamptz()
    # Set instead of deleting the row, so a rejoining viewer learns of the deletion.
    deleted_at = Timestamptz(null=True, default=None)

"""The notifications context's tables: what each person is told, and the kinds they turned off."""

from piccolo.columns import ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

from app.accounts.tables import User
from app.multimedia.tables import Annotation


class Notification(Table, tablename="notifications"):
    """Something that happened to `user` about an annotation: a mention, a reply in a thread
    they are in, or reactions to theirs (one row per unread group, grown as more arrive)."""

    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=16)
    # The annotation or reply it is about: a deleted video takes its notifications with it.
    annotation = ForeignKey(references=Annotation, on_delete=OnDelete.cascade)
    # Who did it, oldest first, as " id:username id:username " (a reaction group gathers several).
    actors = Text(default="")
    emojis = Text(default="")  # a reaction group's distinct emoji, in arrival order
    reactions = Integer(default=1)  # how many reactions a group gathered (1 for other kinds)
    excerpt = Varchar(length=120, default="")  # the start of the annotation's text
    link = Text()  # the moment on the watch page: /watch/{id}-{slug}?t=…#annotation-…
    created_at = Timestamptz()
    updated_at = Timestamptz()  # the latest arrival: the list is newest first by it
    read_at = Timestamptz(null=True, default=None)


class MutedKind(Table, tablename="notification_mutes"):
    """A kind of notification a person turned off: none of it is created for them."""

    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=16)

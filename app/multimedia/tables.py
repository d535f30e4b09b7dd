"""The multimedia context's tables: categories, videos, their annotations, who else may watch
or speak on a video (collaborators, share links and the people who came through them), whom
an owner has blocked from speaking on theirs, and the annotations viewers reported to them."""

from piccolo.columns import BigInt, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
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
    # The last change number given to one of its annotations: every post, reply, edit and delete
    # takes the next one, in the same transaction, so commits happen in change-number order.
    change_seq = Integer(default=0)
    # The size of the file uploaded for it (0 for a link): what counts against the owner's quota.
    upload_bytes = BigInt(default=0)
    # Who may watch (access.py): "public" (listed), "unlisted" (anyone with the link) or
    # "private" (the owner, collaborators and share links); and who may comment on a public or
    # unlisted one: "everyone" signed in, or "collaborators" only.
    visibility = Varchar(length=10, default="public")
    comments = Varchar(length=14, default="everyone")


class Annotation(Table, tablename="annotations"):
    """A comment pinned to a moment (`at`, in ms, to `until` when it covers a stretch) of a
    video, or a reply to one (`parent`), which has no moment of its own."""

    user = ForeignKey(references=User, on_delete=OnDelete.cascade)
    video = ForeignKey(references=Video, on_delete=OnDelete.cascade, index=True)
    body = Text()
    at = Integer()
    created_at = Timestamptz()
    # Set instead of deleting the row, so a rejoining viewer learns of the deletion.
    deleted_at = Timestamptz(null=True, default=None)
    parent = Integer(null=True, default=None)  # the top-level annotation a reply belongs to
    until = Integer(null=True, default=None)
    edited_at = Timestamptz(null=True, default=None)
    seq = Integer(default=0)  # the video's change number of this row's latest change
    created_seq = Integer(default=0)  # the change number of its posting
    replies = Integer(default=0)  # how many of its replies are not deleted
    # Who reacted how, kept beside the rows of `reactions` in the same transaction so a replay
    # renders counts without reading them: lines of "id emoji user_id username" (see reactions.py).
    reactions = Text(default="")
    # A top-level annotation marked resolved, and the username of who did it.
    resolved_at = Timestamptz(null=True, default=None)
    resolved_by = Varchar(length=20, null=True, default=None)
    # The existing users its body mentions (@username), as " id:username id:username ".
    mentions = Text(default="")


class Reaction(Table, tablename="reactions"):
    """One person's reaction (one of a fixed set of emoji) to an annotation or a reply; unique
    per (annotation, user, emoji)."""

    annotation = ForeignKey(references=Annotation, on_delete=OnDelete.cascade, index=True)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade)
    emoji = Varchar(length=8)
    created_at = Timestamptz()


class Collaborator(Table, tablename="collaborators"):
    """A user the owner invited to a video with a role: viewer, commenter or moderator; unique
    per (video, user)."""

    video = ForeignKey(references=Video, on_delete=OnDelete.cascade, index=True)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    role = Varchar(length=10)
    created_at = Timestamptz()


class ShareLink(Table, tablename="share_links"):
    """A link the owner shares: whoever opens it may watch (role "viewer") or comment
    ("commenter") until it expires or is revoked; optionally behind a password."""

    video = ForeignKey(references=Video, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=60)
    role = Varchar(length=10)
    token = Varchar(length=32, unique=True, index=True)
    password_hash = Varchar(length=255, default="")
    expires_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)
    last_used_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class LinkMember(Table, tablename="link_members"):
    """Someone who came in through a share link: a signed-in user who opened it, or a guest it
    made. Their access lasts as long as the link's; unique per (link, user)."""

    link = ForeignKey(references=ShareLink, on_delete=OnDelete.cascade, index=True)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    created_at = Timestamptz()


class Block(Table, tablename="blocks"):
    """A person an owner (or a moderator of one of the owner's videos, `by`) blocked from
    posting, replying and reacting on every video of the owner's; unique per (owner, user)."""

    owner = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz()


class Report(Table, tablename="reports"):
    """A viewer's report of an annotation or reply, with a reason, in the queue of the video's
    `owner` until dismissed (or the annotation is deleted); unique per (annotation, user)."""

    annotation = ForeignKey(references=Annotation, on_delete=OnDelete.cascade, index=True)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade)
    owner = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    reason = Varchar(length=10)
    created_at = Timestamptz()
    dismissed_at = Timestamptz(null=True, default=None)

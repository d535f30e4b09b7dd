"""The accounts context's table: users with a slow password hash."""

from piccolo.columns import Integer, Timestamptz, Varchar
from piccolo.table import Table


class User(Table, tablename="users"):
    """A person who can sign in; `username_key` keeps usernames unique regardless of case."""

    name = Varchar(length=100)
    username = Varchar(length=20)
    username_key = Varchar(length=20, unique=True, index=True)
    password_hash = Varchar(length=255)
    # Bumped on sign-out and password change: invalidates every session and socket token.
    session_generation = Integer(default=1)
    created_at = Timestamptz()

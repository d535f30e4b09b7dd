"""Finding a video's threads: All / Open / Resolved / Mine / Mentioning me, and a search box.

The box is plain words, never query syntax: it is cut into terms at spaces, and each term must
be found in an item's text (as the start of a word, through the full-text index of each engine:
FTS5 on SQLite, `to_tsvector('simple', body)` on PostgreSQL) or be the start of its author's
username. Only runs of letters and digits reach the text index, each quoted, so quotes, `*`,
`-`, `:`, `NEAR` or `OR` in the box are words or nothing, never operators. An item is an
annotation or a reply; a thread matches when one of its live items does (a reply brings its
thread), and Open and Resolved ask about the thread itself.
"""

import re

from app.accounts.tables import User
from app.multimedia.ids import is_id
from app.multimedia.tables import Annotation

FILTERS = ("all", "open", "resolved", "mine", "mentioning")
MAX_QUERY = 200  # characters of the box that are read
MAX_TERMS = 8
_WORD = re.compile(r"[^\W_]+")  # letters and digits of any script; "_" splits as both indexes do

# Threads the page shows (live, or deleted with live replies), through their live items.
_THREADS = ('SELECT DISTINCT t."id" AS "id" FROM annotations AS a '
            'JOIN annotations AS t ON t."id" = COALESCE(a."parent", a."id") '
            'JOIN users AS u ON u."id" = a."user" '
            'WHERE a."video" = {} AND a."deleted_at" IS NULL '
            'AND (t."deleted_at" IS NULL OR t."replies" > 0)')
_FILTER_SQL = {
    "open": ' AND t."resolved_at" IS NULL',
    "resolved": ' AND t."resolved_at" IS NOT NULL',
    "mine": ' AND a."user" = {}',
    "mentioning": ' AND a."mentions" LIKE {}',
}
_AUTHOR = 'substr(u."username_key", 1, {}) = {}'
_TEXT = {
    "sqlite": 'a."id" IN (SELECT rowid FROM annotations_fts WHERE annotations_fts MATCH {})',
    "postgres": "to_tsvector('simple', a.\"body\") @@ to_tsquery('simple', {})",
}


def clean_filter(name: object, viewer: User | None) -> str:
    """One of FILTERS; "all" for anything else, and for Mine or Mentioning me without a viewer."""
    if name not in FILTERS or (name in ("mine", "mentioning") and viewer is None):
        return "all"
    return name


def search_terms(query: object) -> list[str]:
    """The box's terms: up to MAX_TERMS space-separated pieces of its first MAX_QUERY characters."""
    return query[:MAX_QUERY].split()[:MAX_TERMS] if isinstance(query, str) else []


def _text_query(words: list[str], engine: str) -> str:
    """Every word as the start of a word, quoted: an FTS5 or a tsquery expression."""
    if engine == "sqlite":
        return " ".join(f'"{word}"*' for word in words)
    return " & ".join(f"'{word}':*" for word in words)


async def search_video_annotations(video_id: int, query: object, viewer: User | None,
                                   filter: object = "all") -> set[int]:
    """The ids of the video's threads that pass the filter and whose items match the query."""
    if not is_id(video_id):
        return set()
    name = clean_filter(filter, viewer)
    sql, args = _THREADS, [video_id]
    if name != "all":
        sql += _FILTER_SQL[name]
    if name == "mine":
        args.append(viewer.id)
    elif name == "mentioning":
        args.append(f"% {viewer.id}:%")  # mentions are " id:username id:username "
    engine = Annotation._meta.db.engine_type
    for term in search_terms(query):
        words = _WORD.findall(term)
        author = term.lower()
        if words:
            sql += f" AND ({_TEXT[engine]} OR {_AUTHOR})"
            args += [_text_query(words, engine), len(author), author]
        else:  # no letters or digits (emoji, punctuation): only a username could start so
            sql += f" AND {_AUTHOR}"
            args += [len(author), author]
    rows = await Annotation.raw(sql, *args)
    return {row["id"] for row in rows}

"""Jinja templates: one folder per resource, autoescaped, reloaded on change outside production."""

from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template import TemplateConfig
from markupsafe import Markup, escape

from app.multimedia import MENTION, REPORT_REASONS, parse_mentions
from app.multimedia.reactions import EMOJI, reaction_counts
from app.settings import ROOT


def timecode(millis: int) -> str:
    """Format milliseconds as m:ss, or h:mm:ss past the hour."""
    seconds = max(int(millis), 0) // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"


def seconds(millis: int) -> str:
    """Milliseconds as the seconds of a `?t=` link: 12345 -> "12.345", 30000 -> "30"."""
    whole, part = divmod(max(int(millis), 0), 1000)
    return f"{whole}.{part:03}".rstrip("0") if part else str(whole)


def with_mentions(body: str, mentions: str) -> Markup:
    """The body escaped, each @username of a user it mentions a link to their profile page."""
    if not mentions:
        return escape(body)
    users = {username.lower(): username for _, username in parse_mentions(mentions)}

    def link(match) -> str:
        username = users.get(match[1].lower())
        return f'<a class="mention" href="/users/{username}">{match[0]}</a>' if username else match[0]

    # Escaping first finds the same mentions: it never makes or removes an @ or a name
    # character, and what it puts before or after one is as much a boundary as what it replaced.
    return Markup(MENTION.sub(link, str(escape(body))))


def mention_ids(mentions: str) -> str:
    """The ids of a mentions column as the page's data-mentions: " 3 17 "."""
    return "".join(f" {user_id}" for user_id, _ in parse_mentions(mentions)) + " "


def _configure(engine: JinjaTemplateEngine) -> None:
    engine.engine.filters["timecode"] = timecode
    engine.engine.filters["seconds"] = seconds
    engine.engine.filters["reaction_counts"] = reaction_counts
    engine.engine.globals["reaction_emoji"] = EMOJI
    engine.engine.globals["report_reasons"] = REPORT_REASONS
    engine.engine.filters["with_mentions"] = with_mentions
    engine.engine.filters["mention_ids"] = mention_ids


TEMPLATE_CONFIG = TemplateConfig(
    directory=ROOT / "templates",
    engine=JinjaTemplateEngine,
    engine_callback=_configure,
)


def reload_templates(enabled: bool) -> None:
    """Whether a changed template shows on the next render (development), or is read only once.

    Reloading stats the file on every render: in production, where each annotation fragment is
    rendered once per broadcast and a join renders hundreds, that is wasted system calls.
    """
    TEMPLATE_CONFIG.engine_instance.engine.auto_reload = enabled


def render_partial(name: str, **context) -> str:
    """Render a template outside a request, e.g. a fragment pushed over a socket."""
    return TEMPLATE_CONFIG.engine_instance.get_template(name).render(**context)

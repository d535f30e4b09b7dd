"""What the app must accept and refuse, shared by the context and form tests."""

from app.multimedia import PlayerSource
from app.multimedia.urls import URL_HELP, URL_TOO_LONG, URL_UNPRINTABLE

SEEDED_CATEGORIES = ["Action", "Comedy", "Documentary", "Drama", "Education", "Music", "Sci-fi"]

NO_YOUTUBE_ID = "That YouTube link has no video id."

GOOD_URLS = [
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", PlayerSource("youtube", "dQw4w9WgXcQ")),
    ("https://youtube.com/watch?feature=share&v=dQw4w9WgXcQ&t=42", PlayerSource("youtube", "dQw4w9WgXcQ")),
    ("https://youtu.be/dQw4w9WgXcQ", PlayerSource("youtube", "dQw4w9WgXcQ")),
    ("https://www.youtube.com/embed/dQw4w9WgXcQ", PlayerSource("youtube", "dQw4w9WgXcQ")),
    ("https://www.youtube.com/shorts/dQw4w9WgXcQ", PlayerSource("youtube", "dQw4w9WgXcQ")),
    ("http://example.com/clip.mp4", PlayerSource("html5", "http://example.com/clip.mp4")),
    ("https://cdn.example.com/films/clip.webm?t=1", PlayerSource("html5", "https://cdn.example.com/films/clip.webm?t=1")),
    ("https://example.com/old/clip.ogv", PlayerSource("html5", "https://example.com/old/clip.ogv")),
    ("/media/demo-clock.webm", PlayerSource("html5", "/media/demo-clock.webm")),
    ("https://example.com/" + "a" * 2024 + ".mp4",  # exactly the column's 2,048 characters
     PlayerSource("html5", "https://example.com/" + "a" * 2024 + ".mp4")),
]

BAD_URLS = [
    ("javascript:alert(1)", URL_HELP),
    ("javascript://example.com/%0Aalert(1)//clip.mp4", URL_HELP),
    ("data:video/mp4;base64,AAAA", URL_HELP),
    ("ftp://x/y.mp4", URL_HELP),
    ("//example.com/clip.mp4", URL_HELP),
    ("a few plain words", URL_HELP),
    ("", URL_HELP),
    ("https://www.youtube.com/watch", NO_YOUTUBE_ID),
    ("https://www.youtube.com/watch?v=tooshort", NO_YOUTUBE_ID),
    ("https://youtu.be/", NO_YOUTUBE_ID),
    ("https://www.youtube.com/embed/", NO_YOUTUBE_ID),
    ("https://example.com/page.html", URL_HELP),
    ("/media/../etc/passwd.mp4", URL_HELP),
    ("/media/notes.txt", URL_HELP),
    # Longer than the videos.url column (2,048): PostgreSQL would refuse the row.
    ("https://example.com/" + "a" * 2025 + ".mp4", URL_TOO_LONG),
    ("https://example.com/a\x00.mp4", URL_UNPRINTABLE),  # PostgreSQL refuses NUL in text
    ("https://example.com/a\n.mp4", URL_UNPRINTABLE),
    ("https://[/clip.mp4", URL_HELP),  # urlsplit: "Invalid IPv6 URL"
    ("https://example.com:99999999/clip.mp4", URL_HELP),
    ("https://example.com:port/clip.mp4", URL_HELP),
]

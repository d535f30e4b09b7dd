"""Multimedia context: categories, videos and annotations."""

from app.multimedia.activity import RecentAnnotation, list_commenter_ids, list_recent_annotations
from app.multimedia.annotations import (
    annotate_video,
    clean_annotation,
    delete_annotation,
    edit_annotation,
    reply_to_annotation,
)
from app.multimedia.categories import list_categories, seed_categories
from app.multimedia.ids import parse_id
from app.multimedia.mentions import MENTION, mentioned_user_ids, parse_mentions
from app.multimedia.participants import list_thread_authors
from app.multimedia.reactions import EMOJI as REACTION_EMOJI
from app.multimedia.reactions import ReactionChange, ReactionCount, reaction_counts, toggle_reaction
from app.multimedia.resolving import resolve_annotation
from app.multimedia.search import FILTERS, clean_filter, search_terms, search_video_annotations
from app.multimedia.tables import Annotation, Category, Video
from app.multimedia.threads import (
    AnnotationView,
    ChangePage,
    count_annotations,
    current_change_seq,
    list_annotations,
    list_annotations_with_cursor,
    list_change_page,
)
from app.multimedia.upload_limits import (
    LowOnSpace,
    QuotaExceeded,
    UploadPolicy,
    UploadRefused,
    UploadTooLarge,
    stored_upload_bytes,
    upload_space_left,
)
from app.multimedia.uploads import PartialUpload, start_upload
from app.multimedia.urls import PlayerSource, parse_video_url
from app.multimedia.videos import (
    VideoPage,
    create_video,
    delete_video,
    get_user_video,
    get_video,
    list_user_videos,
    list_videos,
    slugify,
    update_video,
    video_exists,
)

__all__ = [
    "FILTERS",
    "Annotation",
    "AnnotationView",
    "Category",
    "ChangePage",
    "LowOnSpace",
    "MENTION",
    "PartialUpload",
    "PlayerSource",
    "QuotaExceeded",
    "REACTION_EMOJI",
    "ReactionChange",
    "ReactionCount",
    "RecentAnnotation",
    "UploadPolicy",
    "UploadRefused",
    "UploadTooLarge",
    "Video",
    "VideoPage",
    "annotate_video",
    "clean_annotation",
    "clean_filter",
    "count_annotations",
    "create_video",
    "delete_annotation",
    "current_change_seq",
    "delete_video",
    "edit_annotation",
    "get_user_video",
    "get_video",
    "list_annotations",
    "list_annotations_with_cursor",
    "list_categories",
    "list_change_page",
    "list_commenter_ids",
    "list_recent_annotations",
    "list_thread_authors",
    "list_user_videos",
    "list_videos",
    "mentioned_user_ids",
    "parse_id",
    "parse_mentions",
    "parse_video_url",
    "reaction_counts",
    "reply_to_annotation",
    "resolve_annotation",
    "search_terms",
    "search_video_annotations",
    "seed_categories",
    "slugify",
    "start_upload",
    "toggle_reaction",
    "stored_upload_bytes",
    "update_video",
    "upload_space_left",
    "video_exists",
]

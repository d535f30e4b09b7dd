"""Multimedia context: categories, videos and annotations."""

from app.multimedia.annotations import (
    AnnotationView,
    annotate_video,
    clean_annotation,
    count_annotations,
    delete_annotation,
    list_annotation_page,
    list_annotations,
    list_deleted_annotation_ids,
)
from app.multimedia.categories import list_categories, seed_categories
from app.multimedia.ids import parse_id
from app.multimedia.tables import Annotation, Category, Video
from app.multimedia.uploads import PartialUpload, UploadTooLarge
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
    "Annotation",
    "AnnotationView",
    "Category",
    "PartialUpload",
    "PlayerSource",
    "UploadTooLarge",
    "Video",
    "VideoPage",
    "annotate_video",
    "clean_annotation",
    "count_annotations",
    "create_video",
    "delete_annotation",
    "delete_video",
    "get_user_video",
    "get_video",
    "list_annotation_page",
    "list_annotations",
    "list_categories",
    "list_deleted_annotation_ids",
    "list_user_videos",
    "list_videos",
    "parse_id",
    "parse_video_url",
    "seed_categories",
    "slugify",
    "update_video",
    "video_exists",
]

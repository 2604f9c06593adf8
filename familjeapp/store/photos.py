"""Photos of family members, stored in the database after ``familjeapp.photos.clean_photo``
has stripped them to pixels only. A photo belongs to one family and is served only to it."""

from sqlite_utils import Database

from ..photos import CleanPhoto
from . import timestamp


def save_photo(db: Database, family_id: int, photo: CleanPhoto) -> int:
    return (
        db["photos"]
        .insert(
            {
                "family_id": family_id,
                "mime": photo.mime,
                "width": photo.width,
                "height": photo.height,
                "data": photo.data,
                "created_at": timestamp(),
            }
        )
        .last_pk
    )


def get_photo(db: Database, family_id: int, photo_id: int) -> dict | None:
    """The photo, only if it is this family's."""
    return next(db["photos"].rows_where("id = ? AND family_id = ?", [photo_id, family_id]), None)

"""Telling a video file by its first bytes: MP4 (ISO base media) or WebM (EBML), nothing else."""

HEAD_BYTES = 4096  # enough for an MP4 ftyp box or a WebM EBML header
# The smallest sensible set of ISO base media brands a browser plays as video/mp4; QuickTime ("qt  ")
# and still-image brands (HEIC, AVIF) share the ftyp box but are not MP4 video.
MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"dash",
              b"M4V ", b"mmp4"}
EBML_MAGIC = b"\x1a\x45\xdf\xa3"
EBML_DOCTYPE = 0x4282


def sniff_video_type(head: bytes) -> str | None:
    """The extension (".mp4" or ".webm") that a file's first bytes show it to be, or None."""
    if _is_mp4(head):
        return ".mp4"
    if _is_webm(head):
        return ".webm"
    return None


def _is_mp4(head: bytes) -> bool:
    if len(head) < 16 or head[4:8] != b"ftyp":
        return False
    size = int.from_bytes(head[:4], "big")
    if size < 16 or size % 4:
        return False
    compatible = head[16:min(size, len(head))]
    brands = [head[8:12], *(compatible[i:i + 4] for i in range(0, len(compatible) - 3, 4))]
    return any(brand in MP4_BRANDS for brand in brands)


def _is_webm(head: bytes) -> bool:
    if not head.startswith(EBML_MAGIC):
        return False
    try:
        size, pos = _vint(head, len(EBML_MAGIC))
        end = min(pos + size, len(head))
        while pos < end:
            element, pos = _vint(head, pos, keep_marker=True)
            length, pos = _vint(head, pos)
            if element == EBML_DOCTYPE:
                return head[pos:pos + length].rstrip(b"\0") == b"webm"
            pos += length
    except (IndexError, ValueError):
        pass  # a truncated or malformed header is simply not WebM
    return False


def _vint(data: bytes, pos: int, keep_marker: bool = False) -> tuple[int, int]:
    """Read an EBML variable-length integer at pos; return it and the position after it."""
    first = data[pos]
    if first == 0:
        raise ValueError("EBML integers are at most 8 bytes long")
    length = 9 - first.bit_length()
    if pos + length > len(data):
        raise IndexError("truncated EBML integer")
    value = first if keep_marker else first & ((1 << (8 - length)) - 1)
    for byte in data[pos + 1:pos + length]:
        value = value << 8 | byte
    return value, pos + length

"""The files v2 upload flow (slack_sdk's files_upload_v2): get an upload URL, POST the bytes
there, then complete the upload, which shares the file into a channel."""

from __future__ import annotations

import mimetypes

from bot.slack_standin import ids
from bot.slack_standin.records import JsonDict, SlackError
from bot.slack_standin.web_api_args import required
from bot.slack_standin.workspace import Handler, UploadedFile, Workspace


def get_upload_url(ws: Workspace, args: JsonDict) -> JsonDict:
    filename = required(args, "filename", error="invalid_arguments")
    length = str(args.get("length", ""))
    if not length.isdigit() or int(length) < 1:
        raise SlackError("invalid_arguments")
    file = UploadedFile(id=ws.new_id("F"), filename=filename, length=int(length))
    file.alt_txt = args.get("alt_txt")
    ws.files[file.id] = file
    upload_url = f"{ws.base_url}upload/v1/{file.id}"
    return {"ok": True, "upload_url": upload_url, "file_id": file.id}


def receive_upload(ws: Workspace, file_id: str, content: bytes) -> JsonDict:
    """The upload URL's answer; Slack's is text/plain "OK - <bytes>"."""
    file = ws.files.get(file_id)
    if file is None or file.completed:
        raise SlackError("invalid_upload_url", status=404)
    file.content = content
    return {"ok": True, "size": len(content)}


def complete_upload(ws: Workspace, args: JsonDict) -> JsonDict:
    entries = args.get("files")  # a JSON string on the wire, decoded by read_args
    if not isinstance(entries, list) or not entries:
        raise SlackError("invalid_arguments")
    files = [_uploaded(ws, entry) for entry in entries]
    channels = _share_targets(args)
    for file in files:
        file.completed = True
        file.channels.extend(channels)
    if channels:
        _share(ws, files, channels=channels, comment=args.get("initial_comment") or "")
    return {"ok": True, "files": [file_object(ws, file) for file in files]}


def _uploaded(ws: Workspace, entry: JsonDict) -> UploadedFile:
    file = ws.files.get(str(entry.get("id")))
    if file is None or file.content is None:
        raise SlackError("file_not_found")  # announced but never uploaded, or unknown
    file.title = entry.get("title") or file.filename
    return file


def _share_targets(args: JsonDict) -> list[str]:
    if args.get("channel_id"):
        return [str(args["channel_id"])]
    return [c for c in str(args.get("channels") or "").split(",") if c]


def _share(ws: Workspace, files: list[UploadedFile], *, channels: list[str], comment: str) -> None:
    """Completing with a channel posts a file message there, as Slack does."""
    for channel in channels:
        message = ws.bot_message(text=comment, blocks=None, ts=ws.next_ts())
        message["files"] = [file_object(ws, file) for file in files]
        message["upload"] = True
        ws.channels[ws.resolve_channel(channel)].append(message)


def file_object(ws: Workspace, file: UploadedFile) -> JsonDict:
    mimetype = mimetypes.guess_type(file.filename)[0] or "application/octet-stream"
    return {
        "id": file.id,
        "name": file.filename,
        "title": file.title or file.filename,
        "mimetype": mimetype,
        "filetype": file.filename.rsplit(".", 1)[-1] if "." in file.filename else "binary",
        "user": ids.BOT_USER_ID,
        "size": len(file.content or b""),
        "alt_txt": file.alt_txt,
        "url_private": f"{ws.base_url}files-pri/{ws.team_id}-{file.id}/{file.filename}",
        "permalink": f"https://{ids.TEAM_DOMAIN}.slack.com/files/{ids.BOT_USER_ID}/{file.id}",
        "channels": list(file.channels),
    }


FILE_METHODS: dict[str, Handler] = {
    "files.getUploadURLExternal": get_upload_url,
    "files.completeUploadExternal": complete_upload,
}

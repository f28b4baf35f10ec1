"""Reading an office CSV file, written once for every importer: UTF-8 (Excel's byte-order mark is
fine), comma-separated, the first line the header; each importer checks its own columns."""
import csv
import io
from pathlib import Path


class ImportFileError(ValueError):
    """The file cannot be read or its header is not the documented one: nothing was imported."""


def read_text(path_or_file):
    """The whole file as text (UTF-8, a byte-order mark allowed), or ImportFileError."""
    try:
        if hasattr(path_or_file, "read"):
            content = path_or_file.read()
            if isinstance(content, bytes):
                content = content.decode("utf-8")
        else:
            content = Path(path_or_file).read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise ImportFileError(f"The file is not UTF-8 (byte {error.start}): save it as CSV UTF-8.") from None
    except OSError as error:
        raise ImportFileError(f"Cannot read {path_or_file}: {error.strerror or error}.") from None
    return content.removeprefix("\ufeff")


def records(text):
    """(the header's names, lower-cased; [(line number, fields)] after it, wholly blank rows
    skipped), numbered as in the file (a quoted field may span lines). ImportFileError when the file
    is not CSV, is empty, or uses semicolons."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, start = [], 1
    try:
        for fields in reader:
            rows.append((start, fields))
            start = reader.line_num + 1
    except csv.Error as error:
        raise ImportFileError(f"Line {reader.line_num}: not valid CSV ({error}).") from None
    if not rows:
        raise ImportFileError("The file is empty: the first line must be the header.")
    header = [name.strip().lower() for name in rows[0][1]]
    if len(header) == 1 and ";" in header[0]:
        raise ImportFileError("The columns are separated by semicolons: save the file as CSV with commas.")
    return header, [(line, fields) for line, fields in rows[1:] if any(f.strip() for f in fields)]

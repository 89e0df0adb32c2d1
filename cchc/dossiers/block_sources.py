"""Where the block reader (``block_reading``) takes its blocks of lines from: a text stream's lines, or a binary
file's bytes read straight, with no Python object per line.

Both give a block as bytes with its number of lines, the block's lines as text when it
must be read row by row, and the lines after it when the rest of the file must.
"""

from collections.abc import Iterator
from itertools import islice
from typing import IO

from cchc.dossiers.io import CsvRows, decode_line

#: Bytes read from a binary file at a time, until a block has its lines.
READ_BYTES = 2**20


def block_source(rows: CsvRows) -> "LineBlocks | ByteBlocks":
    """The bytes of the body of ``rows`` when it has a binary file under it, else its lines."""
    return LineBlocks(rows.lines) if rows.binary is None else ByteBlocks(rows.binary)


def encoded(text: str) -> bytes:
    """``text`` as UTF-8, a lone surrogate (an undecodable byte) included: never ASCII unless ``text`` is."""
    return text.encode("utf-8", "surrogatepass")


class LineBlocks:
    """Blocks of a text body's lines: the lines themselves, joined and encoded."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self._block: list[str] = []

    def block(self, room: int) -> tuple[bytes, int]:
        """Up to ``room`` lines, as bytes, and their number (0 at the end)."""
        self._block = list(islice(self._lines, room))
        return encoded("".join(self._block)), len(self._block)

    def lines(self, data: bytes) -> list[str]:
        """The lines of the block just read (``data``), as the body gives them."""
        return self._block

    def rest(self) -> Iterator[str]:
        """The lines after the block just read."""
        return self._lines


class ByteBlocks:
    """Blocks of whole lines read from a binary body ``READ_BYTES`` at a time: no Python object per line.

    What was read past a block's last line waits in ``_carry`` for the next block (or
    for :meth:`rest`). Lines end at ``\n`` only, as the file's own line iteration
    splits them, and a last line may have no end.
    """

    def __init__(self, binary: IO[bytes]) -> None:
        self._binary = binary
        self._carry = b""

    def block(self, room: int) -> tuple[bytes, int]:
        """Up to ``room`` lines, as bytes, and their number (0 at the end)."""
        pieces = [self._carry]
        ends = self._carry.count(b"\n")
        while ends < room:
            piece = self._binary.read(READ_BYTES)
            if not piece:  # the end of the file: every line left, the last one maybe without its end
                self._carry = b""
                data = b"".join(pieces)
                return data, ends + (not data.endswith(b"\n") and len(data) > 0)
            pieces.append(piece)
            ends += piece.count(b"\n")
        last = pieces[-1]  # the room-th line ends in the last piece
        position = -1
        for _ in range(room - (ends - last.count(b"\n"))):
            position = last.index(b"\n", position + 1)
        data = b"".join(pieces)
        cut = len(data) - len(last) + position + 1
        self._carry = data[cut:]
        return data[:cut], room

    def lines(self, data: bytes) -> list[str]:
        """The lines of ``data`` (a block), as the body would have given them."""
        whole, tail = _split(data)
        lines = list(map(decode_line, whole))
        if tail:  # the file's last line, without its end
            lines.append(decode_line(tail))
        return lines

    def rest(self) -> Iterator[str]:
        """The lines after the block just read: those read ahead, then the file's own."""
        whole, tail = _split(self._carry)
        self._carry = b""
        yield from map(decode_line, whole)
        if tail:  # the file's next line goes on from it
            yield decode_line(tail + next(self._binary, b""))
        yield from map(decode_line, self._binary)


def _split(data: bytes) -> tuple[list[bytes], bytes]:
    """The whole lines of ``data``, each with its ``\\n``, and what follows the last one."""
    *whole, tail = data.split(b"\n")
    return [line + b"\n" for line in whole], tail

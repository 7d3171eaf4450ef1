"""Read YAML into plain data while remembering where each value stood in the file."""

from __future__ import annotations

from typing import Any

import yaml

from flows.problems import Path

Position = tuple[int, int]  # 1-based line and column


class PositionedYaml:
    """Plain data from a YAML document plus the line:column of every key and item."""

    def __init__(self, data: Any, positions: dict[Path, Position]) -> None:
        self.data = data
        self.positions = positions

    def position(self, path: Path) -> Position:
        """Where `path` is, or the nearest enclosing value that exists (for a missing field)."""
        for end in range(len(path), -1, -1):
            found = self.positions.get(tuple(path[:end]))
            if found:
                return found
        return (1, 1)


def load_positioned(text: str) -> PositionedYaml:
    """Parse `text`; raises `yaml.YAMLError` (with its own mark) on a syntax error."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    positions: dict[Path, Position] = {}
    # A loader with no stream: only its constructors are used, so scalars become the
    # same Python values yaml.safe_load would give (ints, dates, booleans...).
    constructor = yaml.SafeLoader("")
    data = _convert(node, (), positions, constructor) if node is not None else None
    return PositionedYaml(data, positions)


def _mark(node: yaml.Node) -> Position:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _convert(
    node: yaml.Node, path: Path, positions: dict[Path, Position], constructor: yaml.SafeLoader
) -> Any:
    positions.setdefault(path, _mark(node))
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = constructor.construct_object(key_node)
            _check_key(key, key_node, result, node)
            positions[(*path, key)] = _mark(key_node)
            result[key] = _convert(value_node, (*path, key), positions, constructor)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(item, (*path, index), positions, constructor)
            for index, item in enumerate(node.value)
        ]
    return constructor.construct_object(node)


def _check_key(key: Any, key_node: yaml.Node, seen: dict[Any, Any], node: yaml.Node) -> None:
    # PyYAML keeps the last of two equal keys without a word, so a second `exit:` in a
    # stage would silently replace the first; and a list as a key is a TypeError, not a
    # YAML error the loader reports. Both become located YAML errors here.
    try:
        hash(key)
    except TypeError:
        raise yaml.constructor.ConstructorError(
            None, None, "a mapping key must be a plain value", key_node.start_mark
        ) from None
    if key in seen:
        raise yaml.constructor.ConstructorError(
            "while reading a mapping",
            node.start_mark,
            f"duplicate key {key!r}",
            key_node.start_mark,
        )

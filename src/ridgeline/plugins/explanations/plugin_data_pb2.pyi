from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class ExplanationPluginData(_message.Message):
    __slots__ = ("version", "method")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    version: int
    method: str
    def __init__(self, version: _Optional[int] = ..., method: _Optional[str] = ...) -> None: ...

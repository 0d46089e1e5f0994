#!/usr/bin/env bash
# Regenerates the committed *_pb2.py / *_pb2.pyi from the .proto files under src/.
# Needs grpcio-tools; the committed code was made with grpcio-tools==1.68.1 (protobuf 5.28
# gencode), so any protobuf runtime >= 5.28 can load it. PYTHON=... picks the interpreter.
set -euo pipefail
cd "$(dirname "$0")/../src"
protos=$(find ridgeline -name '*.proto' | sort)
"${PYTHON:-python}" -m grpc_tools.protoc -I. --python_out=. --pyi_out=. $protos
echo "generated: $(echo $protos | wc -w) files"

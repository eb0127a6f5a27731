"""A float copy of a dynamically quantized ONNX model (onnxruntime's quantize_dynamic output).

onnxruntime's ConvInteger kernel is single-threaded and slow: in Kokoro int8 it is about 60% of a
render. The same weights dequantized once (w = (q - zero_point) * scale) run through the fast float
Conv and MatMul kernels; activations are no longer quantized at run time, so the audio differs from
the int8 model's by that quantization noise only. The copy is built with the onnx package and cached
by the source's sha256.
"""

import hashlib
import os
from collections import defaultdict
from pathlib import Path

import numpy as np
from dubstudio.engine.onnx_graph import prune

from dubstudio import paths
from dubstudio.errors import MissingModelError

VERSION = 1  # bump when the conversion changes: cached copies are named by it


def dequantized_path(source: Path) -> Path:
    """The float copy of source in the user cache, built on first use."""
    with open(source, "rb") as file:
        digest = hashlib.file_digest(file, "sha256").hexdigest()
    target = paths.cache_dir("models", "dequantized") / f"{source.stem}-{digest[:16]}-v{VERSION}.onnx"
    if not target.is_file():
        partial = target.with_name(f"{target.name}.{os.getpid()}.partial")  # workers may convert at once
        dequantize(source, partial)
        partial.replace(target)
    return target


def dequantize(source: Path, target: Path) -> int:
    """Write source with its ConvInteger and MatMulInteger nodes (and their scale arithmetic) made
    float; returns how many nodes were converted. Nodes in another pattern are left as they are."""
    try:
        import onnx
        from onnx import helper, numpy_helper
    except ImportError:
        raise MissingModelError("converting a quantized model needs the Python package onnx "
                                "(pip install onnx in DubStudio's environment).") from None
    model = onnx.load(str(source))
    graph = model.graph
    producer = {out: node for node in graph.node for out in node.output}
    consumers = defaultdict(list)
    for node in graph.node:
        for name in node.input:
            consumers[name].append(node)
    weights = {tensor.name: tensor for tensor in graph.initializer}

    def array(name: str) -> np.ndarray | None:
        return numpy_helper.to_array(weights[name]) if name in weights else None

    def only_consumer(name: str, op: str):
        found = consumers.get(name, [])
        return found[0] if len(found) == 1 and found[0].op_type == op else None

    def weight_scale(scale_mul) -> np.ndarray | None:
        """The weight's scale: the constant factor of Mul(activation scale, weight scale)."""
        if scale_mul is None or scale_mul.op_type != "Mul":
            return None
        constants = [array(name) for name in scale_mul.input if name in weights]
        return constants[0].astype(np.float32) if len(constants) == 1 else None

    def float_bias(add) -> np.ndarray | None:
        """The float bias behind Reshape(Cast(Floor(Div(bias, scale)))) as quantize_dynamic writes it."""
        other = next((name for name in add.input if name in producer and producer[name].op_type == "Reshape"), None)
        node = producer.get(other)
        for op in ("Reshape", "Cast", "Floor", "Div"):
            if node is None or node.op_type != op:
                return None
            if op != "Div":
                node = producer.get(node.input[0])
        return array(node.input[0])

    replaced: dict[int, list] = {}  # index of the node the new one takes the place of -> new nodes
    converted: dict[tuple, str] = {}  # (weight, zero point, scale) -> its float weight, made once
    added = []
    for index, node in enumerate(graph.node):
        if node.op_type not in ("ConvInteger", "MatMulInteger") or node.input[1] not in weights:
            continue
        quantize = producer.get(node.input[0])
        if quantize is None or quantize.op_type != "DynamicQuantizeLinear":
            continue
        bias = None
        after = only_consumer(node.output[0], "Add") if node.op_type == "ConvInteger" else None
        if after is not None:
            bias = float_bias(after)
            cast = only_consumer(after.output[0], "Cast") if bias is not None else None
        else:
            cast = only_consumer(node.output[0], "Cast")
        scale_node = only_consumer(cast.output[0], "Mul") if cast is not None else None
        if scale_node is None:
            continue
        scale = weight_scale(producer.get(next((n for n in scale_node.input if n != cast.output[0]), "")))
        if scale is None:
            continue
        zero = node.input[3] if len(node.input) > 3 else ""
        key = (node.input[1], zero, scale.tobytes())
        if key not in converted:
            converted[key] = f"{node.input[1]}_float_{len(converted)}"
            real = _real(array(node.input[1]), array(zero) if zero else None, scale, node.op_type)
            added.append(numpy_helper.from_array(real, converted[key]))
        inputs = [quantize.input[0], converted[key]]
        if bias is not None:
            added.append(numpy_helper.from_array(bias.astype(np.float32), f"{node.name}_float_bias"))
            inputs.append(f"{node.name}_float_bias")
        attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        op = "Conv" if node.op_type == "ConvInteger" else "MatMul"
        replaced[index] = [helper.make_node(op, inputs, [scale_node.output[0]], name=node.name + "_float",
                                            **attributes)]
        scale_node.output[0] = scale_node.output[0] + "_unused"
    nodes = [new for index, node in enumerate(graph.node) for new in replaced.get(index, [node])]
    graph.initializer.extend(added)
    prune(graph, nodes)
    onnx.save(model, str(target))
    return len(replaced)


def _real(quantized: np.ndarray, zero: np.ndarray | None, scale: np.ndarray, op: str) -> np.ndarray:
    """(q - zero) * scale, per tensor or per output channel (a Conv's axis 0, a MatMul's last axis)."""
    shape = (-1,) + (1,) * (quantized.ndim - 1) if op == "ConvInteger" else (-1,)
    zero = np.zeros((), np.float32) if zero is None else zero.astype(np.float32)
    real = (quantized.astype(np.float32) - zero.reshape(shape if zero.ndim else ())) * scale.reshape(
        shape if scale.ndim else ())
    return real.astype(np.float32)

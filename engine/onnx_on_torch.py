"""An ONNX graph run on PyTorch, node by node.

Why: onnxruntime's CPU kernels for some ops are far slower than PyTorch's. In Kokoro's vocoder its
Sin took a sixth of a render (PyTorch's a twentieth, and exact where onnxruntime's is off by 0.02
for large phases), and its convolutions cannot use the bfloat16 matrix units of recent CPUs
(oneDNN in PyTorch can).
So a model is split where its heavy tail starts (onnx_graph.split): onnxruntime runs the head,
which uses operators this runner lacks (quantized LSTMs, fused attention), and TorchGraph the tail.

`TorchGraph` knows the standard operators such a tail is made of (element-wise arithmetic,
convolutions, resizes, STFT, shape arithmetic) and refuses, when it is built, a graph that uses
any other, so a model it cannot run falls back to onnxruntime whole. Nodes that depend only on
weights (weight normalisation, window sums) are computed once when the graph is built.
"""

import math
from collections.abc import Callable, Iterable

import numpy as np
import torch
import torch.nn.functional as F

# ONNX TensorProto data types -> torch
DTYPES = {1: torch.float32, 6: torch.int32, 7: torch.int64, 9: torch.bool, 10: torch.float16,
          11: torch.float64, 16: torch.bfloat16}


def matrix_dtype() -> torch.dtype:
    """bfloat16 where the CPU multiplies it in hardware (Intel AMX: measured 7 to 14 times faster than
    float32 for Kokoro's convolutions on 2 cores), float32 elsewhere, where bfloat16 is emulated."""
    try:  # private checks: a PyTorch without them runs float32
        fast = torch.cpu._is_amx_tile_supported() and torch.ops.mkldnn._is_mkldnn_bf16_supported()
    except (AttributeError, RuntimeError):
        fast = False
    return torch.bfloat16 if fast else torch.float32


class Unsupported(Exception):
    """The graph uses an operator or an attribute this runner does not implement."""


def _attributes(node) -> dict:
    from onnx import helper

    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _ints(tensor: torch.Tensor) -> list[int]:
    return [int(v) for v in tensor.reshape(-1).tolist()]


def _binary(function: Callable) -> Callable:
    return lambda a, x, y: (function(x, y),)


def _div(a, x, y):
    if x.is_floating_point() or y.is_floating_point():
        return (x / y,)
    return (torch.div(x, y, rounding_mode="trunc"),)


def _unsqueeze(a, x, axes):
    rank = x.dim() + axes.numel()
    for axis in sorted(v % rank for v in _ints(axes)):
        x = x.unsqueeze(axis)
    return (x,)


def _squeeze(a, x, axes=None):
    if axes is None:
        return (x.squeeze(),)
    return (x.squeeze(tuple(v % x.dim() for v in _ints(axes))),)


def _gather(a, x, indices):
    axis = a.get("axis", 0) % x.dim()
    flat = indices.reshape(-1).long()
    flat = torch.where(flat < 0, flat + x.shape[axis], flat)
    out = x.index_select(axis, flat)
    return (out.reshape(x.shape[:axis] + indices.shape + x.shape[axis + 1:]),)


def _slice(a, x, starts, ends, axes=None, steps=None):
    axes = _ints(axes) if axes is not None else list(range(starts.numel()))
    steps = _ints(steps) if steps is not None else [1] * len(axes)
    index = [slice(None)] * x.dim()
    for axis, start, end, step in zip(axes, _ints(starts), _ints(ends), steps):
        if step <= 0:
            raise Unsupported("Slice with a negative step")
        size = x.shape[axis]
        start, end = (max(0, min(size, v + size if v < 0 else v)) for v in (start, end))
        index[axis % x.dim()] = slice(start, end, step)
    return (x[tuple(index)],)


def _reshape(a, x, shape):
    dims = _ints(shape)
    if not a.get("allowzero", 0):
        dims = [x.shape[i] if d == 0 else d for i, d in enumerate(dims)]
    return (x.reshape(dims),)


def _expand(a, x, shape):
    return (x.expand(torch.broadcast_shapes(x.shape, tuple(_ints(shape)))),)


def _split(a, x, split=None):
    axis = a.get("axis", 0)
    if split is None:
        parts = a["num_outputs"]
        size = math.ceil(x.shape[axis] / parts)
        return tuple(torch.split(x, size, dim=axis))
    return tuple(torch.split(x, _ints(split), dim=axis))


def _reduce_mean(a, x, axes=None):
    if axes is None or axes.numel() == 0:
        if a.get("noop_with_empty_axes", 0):
            return (x,)
        return (x.mean(dim=tuple(range(x.dim())), keepdim=bool(a.get("keepdims", 1))),)
    return (x.mean(dim=tuple(_ints(axes)), keepdim=bool(a.get("keepdims", 1))),)


def _pads(a, rank: int) -> tuple[int, ...] | None:
    """ONNX pads (all begins, then all ends) as the symmetric padding torch takes, or None."""
    pads = list(a.get("pads", [0] * (2 * rank)))
    if a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        raise Unsupported("auto_pad")
    begins, ends = pads[:rank], pads[rank:]
    return tuple(begins) if begins == ends else None


def _conv(a, x, weight, bias=None):
    rank = weight.dim() - 2
    pads = _pads(a, rank)
    if pads is None:
        begins, ends = a["pads"][:rank], a["pads"][rank:]
        x = F.pad(x, [p for axis in reversed(range(rank)) for p in (begins[axis], ends[axis])])
        pads = (0,) * rank
    function = {1: F.conv1d, 2: F.conv2d}.get(rank)
    if function is None:
        raise Unsupported(f"Conv over {rank} dimensions")
    return (function(x, weight, bias, stride=tuple(a.get("strides", [1] * rank)), padding=pads,
                     dilation=tuple(a.get("dilations", [1] * rank)), groups=a.get("group", 1)),)


def _conv_transpose(a, x, weight, bias=None):
    rank = weight.dim() - 2
    pads = _pads(a, rank)
    if rank != 1 or pads is None or "output_shape" in a:
        raise Unsupported("ConvTranspose other than 1-D with symmetric pads")
    return (F.conv_transpose1d(x, weight, bias, stride=a.get("strides", [1])[0], padding=pads[0],
                               output_padding=a.get("output_padding", [0])[0], groups=a.get("group", 1),
                               dilation=a.get("dilations", [1])[0]),)


class _ChannelsLastConv:
    """A 1-D Conv or ConvTranspose with constant weights, run as a 2-D one on channels-last data in
    dtype: oneDNN's fast kernels want that layout, so the activations keep it from one convolution to
    the next (element-wise ops preserve it) and are not reordered around each one. The result is
    float32, still channels-last. In bfloat16 the inputs, weights and results are rounded to 8 bits
    of mantissa; the sums are float32."""

    def __init__(self, op: str, attributes: dict, weight: torch.Tensor, bias: torch.Tensor | None,
                 dtype: torch.dtype):
        rank = weight.dim() - 2
        pads = _pads(attributes, rank)
        if rank != 1 or pads is None or "output_shape" in attributes:
            raise Unsupported(f"{op} other than 1-D with symmetric pads")
        self.dtype, self.transpose = dtype, op == "ConvTranspose"
        self.weight = weight.to(dtype).unsqueeze(2).contiguous(memory_format=torch.channels_last)
        self.bias = bias.to(dtype) if bias is not None else None
        self.arguments = {"stride": (1, attributes.get("strides", [1])[0]), "padding": (0, pads[0]),
                          "dilation": (1, attributes.get("dilations", [1])[0]), "groups": attributes.get("group", 1)}
        if self.transpose:
            self.arguments["output_padding"] = (0, attributes.get("output_padding", [0])[0])

    def __call__(self, a, x) -> tuple[torch.Tensor]:
        x = x.unsqueeze(2).to(self.dtype, memory_format=torch.channels_last)
        function = F.conv_transpose2d if self.transpose else F.conv2d
        return (function(x, self.weight, self.bias, **self.arguments).to(torch.float32).squeeze(2),)


def _pad(a, x, pads, value=None, axes=None):
    if axes is not None:
        raise Unsupported("Pad with axes")
    pads = _ints(pads)
    rank = x.dim()
    begins, ends = pads[:rank], pads[rank:]
    flat = [p for axis in reversed(range(rank)) for p in (begins[axis], ends[axis])]
    while len(flat) > 2 and flat[-2:] == [0, 0]:  # torch pads the last axes only
        flat = flat[:-2]
    mode = a.get("mode", b"constant")
    mode = mode.decode() if isinstance(mode, bytes) else mode
    if mode == "constant":
        return (F.pad(x, flat, value=float(value) if value is not None and value.numel() else 0.0),)
    return (F.pad(x, flat, mode=mode),)


def _resize(a, x, roi=None, scales=None, sizes=None):
    mode = a.get("mode", b"nearest")
    transform = a.get("coordinate_transformation_mode", b"half_pixel")
    if scales is None or scales.numel() == 0 or x.dim() != 3 or any(float(s) != 1 for s in scales[:2]):
        raise Unsupported("Resize other than by scales along the last of three axes")
    scale = float(scales[2])
    if mode == b"nearest" and transform == b"asymmetric" and a.get("nearest_mode", b"round_prefer_floor") == b"floor":
        size = math.floor(x.shape[2] * scale)
        index = torch.floor(torch.arange(size, dtype=torch.float64) / scale).long().clamp(max=x.shape[2] - 1)
        return (x.index_select(2, index),)
    if mode == b"linear" and transform in (b"half_pixel", b"pytorch_half_pixel"):
        if transform == b"pytorch_half_pixel" and math.floor(x.shape[2] * scale) == 1:
            raise Unsupported("pytorch_half_pixel to one sample")
        return (F.interpolate(x, scale_factor=scale, mode="linear", align_corners=False,
                              recompute_scale_factor=False),)
    raise Unsupported(f"Resize mode {mode!r} with {transform!r}")


def _stft(a, signal, step, window=None, length=None):
    if signal.dim() == 3 and signal.shape[2] == 1:  # [batch, length, 1]; onnxruntime also takes [batch, length]
        signal = signal[..., 0]
    if signal.dim() != 2 or not a.get("onesided", 1):
        raise Unsupported("STFT other than one-sided of a real signal")
    frame = int(length) if length is not None else window.numel()
    spectrum = torch.stft(signal, n_fft=frame, hop_length=int(step), win_length=frame,
                          window=window if window is not None else torch.ones(frame), center=False,
                          onesided=True, return_complex=True)
    return (torch.view_as_real(spectrum.transpose(1, 2)),)


def _scatter_nd(a, data, indices, updates):
    if a.get("reduction", b"none") not in (b"none", "none"):
        raise Unsupported("ScatterND with a reduction")
    out = data.clone()
    out[tuple(indices[..., k].long() for k in range(indices.shape[-1]))] = updates
    return (out,)


def _cast(a, x):
    dtype = DTYPES.get(a["to"])
    if dtype is None:
        raise Unsupported(f"Cast to ONNX type {a['to']}")
    return (x.to(dtype),)


def _shape(a, x):
    dims = x.shape[a.get("start", 0):a.get("end", x.dim())]
    return (torch.tensor(dims, dtype=torch.int64),)


def _cumsum(a, x, axis: int) -> torch.Tensor:
    if a.get("exclusive", 0) or a.get("reverse", 0):
        raise Unsupported("CumSum exclusive or reverse")
    return torch.cumsum(x, dim=axis)


ATAN2 = "Atan2"  # not an ONNX operator: what _fuse_atan2 puts back in the exporter's place, domain OURS
OURS = "dubstudio"

OPS: dict[str, Callable] = {
    "Add": _binary(torch.add), "Sub": _binary(torch.sub), "Mul": _binary(torch.mul), "Div": _div,
    "Pow": lambda a, x, y: (x * x,) if y.numel() == 1 and float(y) == 2.0 else (torch.pow(x, y),),
    "MatMul": _binary(torch.matmul),
    "Greater": _binary(torch.gt), "Less": _binary(torch.lt), "Equal": _binary(torch.eq),
    "Where": lambda a, c, x, y: (torch.where(c, x, y),),
    "Sqrt": lambda a, x: (torch.sqrt(x),), "Sin": lambda a, x: (torch.sin(x),),
    "Cos": lambda a, x: (torch.cos(x),), "Exp": lambda a, x: (torch.exp(x),),
    "Tanh": lambda a, x: (torch.tanh(x),), "Atan": lambda a, x: (torch.atan(x),),
    "Floor": lambda a, x: (torch.floor(x),),
    "LeakyRelu": lambda a, x: (F.leaky_relu(x, a.get("alpha", 0.01)),),
    "Cast": _cast, "Shape": _shape, "Gather": _gather, "Slice": _slice, "Reshape": _reshape,
    "Expand": _expand, "Split": _split, "Unsqueeze": _unsqueeze, "Squeeze": _squeeze,
    "Concat": lambda a, *xs: (torch.cat(xs, dim=a["axis"]),),
    "Transpose": lambda a, x: (x.permute(a["perm"]) if "perm" in a else x.permute(*reversed(range(x.dim()))),),
    "ReduceMean": _reduce_mean, "Conv": _conv, "ConvTranspose": _conv_transpose, "Pad": _pad,
    "Resize": _resize, "STFT": _stft, "ScatterND": _scatter_nd,
    "CumSum": lambda a, x, axis: (_cumsum(a, x, int(axis)),),
    "NonZero": lambda a, x: (torch.nonzero(x).T.contiguous(),),
    ATAN2: lambda a, y, x: (torch.atan2(y, x),),
    "Range": lambda a, start, limit, delta: (torch.arange(start.item(), limit.item(), delta.item(),
                                                          dtype=start.dtype),),
}


class TorchGraph:
    """Nodes of an ONNX graph (in topological order) as a PyTorch function of its named inputs.

    conv_dtype: the dtype 1-D convolutions with constant weights multiply in: torch.bfloat16 uses the
    CPU's bfloat16 matrix units where it has them (`matrix_dtype`)."""

    def __init__(self, nodes: list, weights: dict[str, np.ndarray], inputs: Iterable[str],
                 outputs: Iterable[str], conv_dtype: torch.dtype = torch.float32):
        self.inputs, self.outputs = list(inputs), list(outputs)
        unknown = sorted({node.op_type for node in nodes if node.domain not in ("", "ai.onnx")
                          or node.op_type not in OPS or node.op_type == ATAN2})
        if unknown:
            raise Unsupported(f"operators {', '.join(unknown)}")
        self.constants = {name: torch.from_numpy(np.array(value)) for name, value in weights.items()}
        nodes = _fuse_atan2(nodes, self.constants, self.outputs)
        self.conv_dtype = conv_dtype
        self.steps = []
        for node in nodes:
            attributes = _attributes(node)
            if all(not name or name in self.constants for name in node.input):
                self._fold(node, attributes)
            else:
                function = self._function(node, attributes)
                inputs = node.input[:1] if isinstance(function, _ChannelsLastConv) else node.input  # holds its weights
                self.steps.append((function, attributes, list(inputs), list(node.output)))
        read = {name for _, _, inputs, _ in self.steps for name in inputs} | set(self.outputs)
        self.constants = {name: value for name, value in self.constants.items() if name in read}
        self._free_after = self._last_uses()

    @classmethod
    def from_model(cls, model, conv_dtype: torch.dtype = torch.float32) -> "TorchGraph":
        """The whole of an ONNX model (a ModelProto, such as onnx_graph.split's tail)."""
        from onnx import numpy_helper

        graph = model.graph
        return cls(list(graph.node), {tensor.name: numpy_helper.to_array(tensor) for tensor in graph.initializer},
                   [value.name for value in graph.input], [value.name for value in graph.output], conv_dtype)

    def _function(self, node, attributes) -> Callable:
        weight, bias = (self.constants.get(name) for name in (list(node.input) + ["", ""])[1:3])
        if node.op_type in ("Conv", "ConvTranspose") and weight is not None and weight.dim() == 3:
            try:
                return _ChannelsLastConv(node.op_type, attributes, weight, bias, self.conv_dtype)
            except Unsupported:
                pass
        return OPS[node.op_type]

    def _fold(self, node, attributes) -> None:
        """Run a node of constants once, now."""
        values = [self.constants[name] if name else None for name in node.input]
        for name, value in zip(node.output, OPS[node.op_type](attributes, *_trim(values))):
            self.constants[name] = value

    def _last_uses(self) -> list[list[str]]:
        """For each step, the intermediate values no later step reads (freed as the graph runs)."""
        last = {}
        for index, (_, _, inputs, _) in enumerate(self.steps):
            for name in inputs:
                last[name] = index
        keep = set(self.outputs) | set(self.constants)
        free = [[] for _ in self.steps]
        for name, index in last.items():
            if name and name not in keep:
                free[index].append(name)
        return free

    @torch.inference_mode()
    def __call__(self, **feeds: np.ndarray | torch.Tensor) -> dict[str, np.ndarray]:
        values = {name: torch.as_tensor(np.asarray(feeds[name])) for name in self.inputs}
        constants = self.constants
        for (function, attributes, inputs, outputs), free in zip(self.steps, self._free_after):
            arguments = [(values[name] if name in values else constants[name]) if name else None for name in inputs]
            for name, value in zip(outputs, function(attributes, *_trim(arguments))):
                values[name] = value
            for name in free:
                values.pop(name, None)
        return {name: (values[name] if name in values else constants[name]).numpy() for name in self.outputs}


def _fuse_atan2(nodes: list, constants: dict[str, torch.Tensor], outputs: list[str]) -> list:
    """nodes with each atan2 that torch.onnx wrote out (atan(y / x), then pi added or taken away
    by the signs of y and x) made one atan2 again. The two differ where y is 0 and x negative, which
    in a spectrum is every DC and Nyquist bin of a negative real part: atan2 (which the model was
    trained with) says +pi, the decomposition -pi, and a vocoder fed those phases sounds audibly
    different (2.9 dB of log-mel from the model's own). Where x = y = 0 it says NaN, atan2 0."""
    from onnx import helper

    from dubstudio.engine.onnx_graph import live

    producer = {out: node for node in nodes for out in node.output}

    def made(name: str, op: str):
        node = producer.get(name)
        return node if node is not None and node.op_type == op and node.domain in ("", "ai.onnx") else None

    def is_constant(name: str, value: float) -> bool:
        found = constants.get(name)
        return found is not None and found.numel() == 1 and abs(float(found) - value) < 1e-6

    fused = {}
    for node in nodes:
        if node.op_type != "Where":
            continue
        left, turned, atan = made(node.input[0], "Less"), made(node.input[1], "Where"), made(node.input[2], "Atan")
        divide = atan and made(atan.input[0], "Div")
        if not (left and turned and divide and is_constant(left.input[1], 0.0)):
            continue
        y, x = divide.input
        up = made(turned.input[0], "Greater")
        plus, minus = made(turned.input[1], "Add"), made(turned.input[2], "Sub")
        if (left.input[0] == x and up and up.input[0] == y and is_constant(up.input[1], 0.0) and plus and minus
                and atan.output[0] in plus.input and is_constant(next(n for n in plus.input if n != atan.output[0]), math.pi)
                and minus.input[0] == atan.output[0] and is_constant(minus.input[1], math.pi)):
            fused[id(node)] = helper.make_node(ATAN2, [y, x], list(node.output), domain=OURS)
    if not fused:
        return nodes
    return live([fused.get(id(node), node) for node in nodes], outputs)[0]


def _trim(values: list) -> list:
    """Drop trailing omitted optional inputs ('' in ONNX), so defaults apply."""
    while values and values[-1] is None:
        values = values[:-1]
    return values

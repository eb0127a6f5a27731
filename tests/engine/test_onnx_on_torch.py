"""ONNX graphs run node by node on PyTorch give what onnxruntime gives: the operators of a vocoder's
tail (convolutions, norms, resizes, an STFT, shape arithmetic), on small graphs built here; convolutions
in bfloat16 stay within its rounding; an operator it lacks is refused when the graph is built; and a
model split in two (head on onnxruntime, tail on PyTorch) computes what the whole one does."""

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
torch = pytest.importorskip("torch")
ort = pytest.importorskip("onnxruntime")
from dubstudio.engine.onnx_graph import split, split_files
from dubstudio.engine.onnx_on_torch import TorchGraph, Unsupported
from onnx import TensorProto, helper, numpy_helper

RNG = np.random.default_rng(7)


def weight(name: str, *shape: int, scale: float = 0.3) -> onnx.TensorProto:
    return numpy_helper.from_array((RNG.standard_normal(shape) * scale).astype(np.float32), name)


def constant(name: str, value, dtype=np.int64) -> onnx.TensorProto:
    return numpy_helper.from_array(np.asarray(value, dtype), name)


def model(nodes, inputs, outputs, weights):
    graph = helper.make_graph(nodes, "test", inputs, [helper.make_empty_tensor_value_info(name) for name in outputs],
                              weights)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)], ir_version=10)


def onnxruntime_run(proto, feeds: dict) -> list[np.ndarray]:
    session = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, feeds)


def torch_run(proto, feeds: dict, dtype=torch.float32) -> list[np.ndarray]:
    graph = TorchGraph.from_model(proto, conv_dtype=dtype)
    result = graph(**feeds)
    return [result[value.name] for value in proto.graph.output]


def signal_input(name: str = "x", channels: int = 4):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, [1, channels, None])


def vocoder_like():
    """AdaIN (instance norm by ReduceMean/Sub/Pow/Sqrt/Div, scaled by a style), a snake activation
    (x + sin(a x)^2 / a), dilated and strided Conv, ConvTranspose upsampling, reflection padding, a
    nearest Resize, and a LeakyReLU: the shapes of Kokoro's decoder, small."""
    nodes = [
        helper.make_node("ReduceMean", ["x", "axis2"], ["mean"], keepdims=1),
        helper.make_node("Sub", ["x", "mean"], ["centred"]),
        helper.make_node("Pow", ["centred", "two"], ["squared"]),
        helper.make_node("ReduceMean", ["squared", "axis2"], ["variance"], keepdims=1),
        helper.make_node("Add", ["variance", "epsilon"], ["variance_e"]),
        helper.make_node("Sqrt", ["variance_e"], ["deviation"]),
        helper.make_node("Div", ["centred", "deviation"], ["normed"]),
        helper.make_node("MatMul", ["style", "fc"], ["gamma_flat"]),
        helper.make_node("Unsqueeze", ["gamma_flat", "axis2"], ["gamma"]),
        helper.make_node("Mul", ["normed", "gamma"], ["styled"]),
        helper.make_node("Mul", ["styled", "alpha"], ["ax"]),
        helper.make_node("Sin", ["ax"], ["sin"]),
        helper.make_node("Pow", ["sin", "two"], ["sin2"]),
        helper.make_node("Div", ["sin2", "alpha"], ["snaked"]),
        helper.make_node("Add", ["styled", "snaked"], ["snake"]),
        helper.make_node("Conv", ["snake", "w_dilated", "b_dilated"], ["dilated"], kernel_shape=[5], dilations=[3],
                         pads=[6, 6]),
        helper.make_node("Conv", ["dilated", "w_strided"], ["strided"], kernel_shape=[4], strides=[2], pads=[1, 1]),
        helper.make_node("LeakyRelu", ["strided"], ["leaky"], alpha=0.1),
        helper.make_node("ConvTranspose", ["leaky", "w_up", "b_up"], ["up"], kernel_shape=[6], strides=[3],
                         pads=[1, 1], output_padding=[1]),
        helper.make_node("Pad", ["up", "reflect_pads"], ["padded"], mode="reflect"),
        helper.make_node("Resize", ["padded", "", "scales"], ["resized"], mode="nearest",
                         coordinate_transformation_mode="asymmetric", nearest_mode="floor"),
        helper.make_node("Conv", ["resized", "w_uneven"], ["uneven"], kernel_shape=[3], pads=[2, 0]),
    ]
    weights = [constant("axis2", [2]), constant("two", 2.0, np.float32), constant("epsilon", 1e-5, np.float32),
               weight("fc", 3, 4), weight("alpha", 1, 4, 1, scale=1.0), weight("w_dilated", 6, 4, 5),
               weight("b_dilated", 6), weight("w_strided", 5, 6, 4), weight("w_up", 5, 3, 6), weight("b_up", 3),
               constant("reflect_pads", [0, 0, 1, 0, 0, 2]), constant("scales", [1, 1, 2], np.float32),
               weight("w_uneven", 2, 3, 3)]
    style = helper.make_tensor_value_info("style", TensorProto.FLOAT, [1, 3])
    return model(nodes, [signal_input(), style], ["uneven", "snake"], weights)


def feeds(length: int = 301):
    return {"x": RNG.standard_normal((1, 4, length)).astype(np.float32),
            "style": RNG.standard_normal((1, 3)).astype(np.float32)}


def test_a_vocoder_shaped_graph_gives_what_onnxruntime_gives():
    proto, inputs = vocoder_like(), feeds()
    expected, got = onnxruntime_run(proto, inputs), torch_run(proto, inputs)
    for want, have in zip(expected, got):
        assert have.shape == want.shape
        np.testing.assert_allclose(have, want, rtol=1e-4, atol=1e-4)


def test_lengths_vary_from_call_to_call():
    proto = vocoder_like()
    graph = TorchGraph.from_model(proto)
    for length in (57, 300, 1001):
        inputs = feeds(length)
        np.testing.assert_allclose(graph(**inputs)["uneven"], onnxruntime_run(proto, inputs)[0], rtol=1e-4, atol=1e-4)


def test_convolutions_whose_weights_are_computed_at_run_time():
    """The weights come from the graph's inputs: not prepared once, run as they arrive."""
    nodes = [helper.make_node("Conv", ["x", "w"], ["y"], kernel_shape=[3], pads=[1, 1], dilations=[2]),
             helper.make_node("ConvTranspose", ["y", "wt"], ["z"], kernel_shape=[4], strides=[2], pads=[1, 1])]
    inputs = [signal_input(), helper.make_tensor_value_info("w", TensorProto.FLOAT, [5, 4, 3]),
              helper.make_tensor_value_info("wt", TensorProto.FLOAT, [5, 2, 4])]
    feeds = {"x": RNG.standard_normal((1, 4, 90)).astype(np.float32),
             "w": RNG.standard_normal((5, 4, 3)).astype(np.float32),
             "wt": RNG.standard_normal((5, 2, 4)).astype(np.float32)}
    proto = model(nodes, inputs, ["z"], [])
    np.testing.assert_allclose(torch_run(proto, feeds)[0], onnxruntime_run(proto, feeds)[0], rtol=1e-4, atol=1e-4)


def test_bfloat16_convolutions_stay_within_its_rounding():
    proto, inputs = vocoder_like(), feeds()
    exact = torch_run(proto, inputs)[0]
    rounded = torch_run(proto, inputs, torch.bfloat16)[0]
    relative = np.abs(rounded - exact).max() / np.abs(exact).max()
    assert 0 < relative < 0.03  # bfloat16 keeps 8 bits of mantissa: 0.4% a product, summed over a few layers


def test_spectrum_phase_and_shape_arithmetic():
    """STFT; atan2 as torch.onnx writes it (atan(y / x), the quadrant fixed by Where), run as atan2; a
    linear Resize, CumSum, Split, Slice, Gather, Shape, Reshape, Expand, Concat, Where, Range and a
    NonZero/ScatterND pair."""
    nodes = [
        helper.make_node("STFT", ["signal", "step", "window", "frame"], ["spectrum"], onesided=1),
        helper.make_node("Gather", ["spectrum", "zero"], ["real"], axis=3),
        helper.make_node("Gather", ["spectrum", "one"], ["imaginary"], axis=3),
        helper.make_node("Div", ["imaginary", "real"], ["ratio"]),
        helper.make_node("Atan", ["ratio"], ["angle"]),
        helper.make_node("Less", ["real", "zero_f"], ["left"]),
        helper.make_node("Greater", ["imaginary", "zero_f"], ["up"]),
        helper.make_node("Add", ["angle", "pi"], ["plus"]),
        helper.make_node("Sub", ["angle", "pi"], ["minus"]),
        helper.make_node("Where", ["up", "plus", "minus"], ["turned"]),
        helper.make_node("Where", ["left", "turned", "angle"], ["phase"]),
        helper.make_node("Transpose", ["real"], ["real_t"], perm=[0, 2, 1]),
        helper.make_node("Resize", ["real_t", "", "scales"], ["smooth"], mode="linear",
                         coordinate_transformation_mode="half_pixel"),
        helper.make_node("CumSum", ["smooth", "axis_i32"], ["summed"]),
        helper.make_node("Split", ["summed", "halves"], ["low", "high"], axis=1),
        helper.make_node("Concat", ["high", "low"], ["swapped"], axis=1),
        helper.make_node("Slice", ["swapped", "starts", "ends", "axes", "steps"], ["sliced"]),
        helper.make_node("Shape", ["sliced"], ["shape"]),
        helper.make_node("Gather", ["shape", "two_i"], ["frames"], axis=0),
        helper.make_node("Range", ["zero", "frames", "one"], ["indices"]),
        helper.make_node("Reshape", ["indices", "flat_shape"], ["indices_row"]),
        helper.make_node("Expand", ["indices_row", "shape"], ["grid"]),
        helper.make_node("Cast", ["grid"], ["grid_f"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["sliced", "grid_f"], ["weighted"]),
        helper.make_node("Greater", ["window", "half"], ["wide"]),
        helper.make_node("NonZero", ["wide"], ["where_wide"]),
        helper.make_node("Transpose", ["where_wide"], ["where_wide_t"], perm=[1, 0]),
        helper.make_node("Expand", ["minus_one", "count"], ["fill"]),
        helper.make_node("Shape", ["where_wide_t"], ["count_2d"]),
        helper.make_node("Slice", ["count_2d", "zero_1", "one_1"], ["count"]),
        helper.make_node("ScatterND", ["window", "where_wide_t", "fill"], ["marked"]),
    ]
    weights = [constant("step", 4), constant("frame", 16), constant("zero", 0), constant("one", 1),
               constant("zero_f", 0.0, np.float32), constant("pi", np.pi, np.float32),
               numpy_helper.from_array(np.hanning(16).astype(np.float32), "window"),
               constant("scales", [1, 1, 2.5], np.float32), constant("axis_i32", 2, np.int32),
               constant("halves", [4, 5]), constant("starts", [1]), constant("ends", [-2]), constant("axes", [2]),
               constant("steps", [2]), constant("two_i", 2), constant("flat_shape", [1, 1, -1]),
               constant("half", 0.5, np.float32), constant("minus_one", [-1.0], np.float32),
               constant("zero_1", [0]), constant("one_1", [1])]
    signal = RNG.standard_normal((1, 200, 1)).astype(np.float32)
    signal[0, 80:140] = 0  # silence: real and imaginary parts 0, the case atan(0 / 0) gets wrong
    proto = model(nodes, [helper.make_tensor_value_info("signal", TensorProto.FLOAT, [1, None, 1])],
                  ["phase", "weighted", "marked", "spectrum"], weights)
    graph = TorchGraph.from_model(proto)
    assert sum(node_outputs == ["phase"] for _, _, _, node_outputs in graph.steps) == 1
    assert not any(node_outputs[0] in ("ratio", "turned") for _, _, _, node_outputs in graph.steps), "not fused"
    got = torch_run(proto, {"signal": signal})
    expected = onnxruntime_run(proto, {"signal": signal})
    spectrum = got[3]
    np.testing.assert_allclose(got[0], np.arctan2(spectrum[..., 1], spectrum[..., 0]), atol=1e-6)
    finite = np.isfinite(expected[0])
    assert (~finite).any(), "the test signal should give the decomposition its 0 / 0"
    # equal as angles where the decomposition is defined (it says -pi where atan2 says +pi)
    turn = np.angle(np.exp(1j * (got[0][finite] - expected[0][finite])))
    assert np.abs(turn).max() < 1e-3
    np.testing.assert_allclose(spectrum, expected[3], rtol=1e-4, atol=1e-4 * np.abs(expected[3]).max())
    np.testing.assert_allclose(got[1], expected[1], rtol=1e-4, atol=1e-4 * np.abs(expected[1]).max())  # sums of ~100
    np.testing.assert_array_equal(got[2], expected[2])


def test_an_operator_it_lacks_is_refused_when_the_graph_is_built():
    nodes = [helper.make_node("Einsum", ["x", "x"], ["y"], equation="bct,bct->bc")]
    with pytest.raises(Unsupported, match="Einsum"):
        TorchGraph.from_model(model(nodes, [signal_input()], ["y"], []))
    fused = [helper.make_node("FastGelu", ["x"], ["y"], domain="com.microsoft")]
    with pytest.raises(Unsupported, match="FastGelu"):
        TorchGraph.from_model(model(fused, [signal_input()], ["y"], []))


def two_stage():
    """A head the tail reads twice from (the cut, and the style's projection, which the tail needs
    but which does not depend on the cut), then the vocoder-shaped tail."""
    tail = vocoder_like()
    nodes = [helper.make_node("Mul", ["features", "gain"], ["x"]),
             helper.make_node("Tanh", ["style_in"], ["style"]),
             helper.make_node("Neg", ["style_in"], ["unused"]), *tail.graph.node]
    weights = [weight("gain", 1, 4, 1), *tail.graph.initializer]
    inputs = [signal_input("features"), helper.make_tensor_value_info("style_in", TensorProto.FLOAT, [1, 3])]
    return model(nodes, inputs, ["uneven", "snake"], weights)


def test_a_split_model_computes_what_the_whole_one_does():
    whole = two_stage()
    head, tail = split(whole, ["x"])
    # the style's projection runs in the head, which hands it over; Neg feeds nothing and is pruned
    assert sorted(node.op_type for node in head.graph.node) == ["MatMul", "Mul", "Tanh", "Unsqueeze"]
    assert [value.name for value in head.graph.output] == ["x", "gamma"]
    assert "MatMul" not in {node.op_type for node in tail.graph.node}
    inputs = {"features": RNG.standard_normal((1, 4, 250)).astype(np.float32),
              "style_in": RNG.standard_normal((1, 3)).astype(np.float32)}
    handed = dict(zip(["x", "gamma"], onnxruntime_run(head, inputs)))
    got = TorchGraph.from_model(tail)(**inputs, **handed)
    for name, want in zip(["uneven", "snake"], onnxruntime_run(whole, inputs)):
        np.testing.assert_allclose(got[name], want, rtol=1e-4, atol=1e-4)


def test_split_files_are_written_once(tmp_path, monkeypatch):
    from dubstudio.engine import onnx_graph

    source = tmp_path / "two-stage.onnx"
    onnx.save(two_stage(), str(source))
    calls = []
    real_split = onnx_graph.split
    monkeypatch.setattr(onnx_graph, "split", lambda *args: calls.append(args) or real_split(*args))
    first = split_files(source, ["x"], tmp_path / "parts")
    again = split_files(source, ["x"], tmp_path / "parts")
    assert first == again and len(calls) == 1 and all(path.is_file() for path in first)
    assert not list((tmp_path / "parts").glob("*.partial"))
    assert [value.name for value in onnx.load(str(first[1])).graph.input] == ["x", "gamma"]

"""Graph surgery on ONNX models (the onnx package, no runtime): pruning, and splitting a model in two
where named tensors are made, so each part can run on the runtime that does it best."""

import os
from collections.abc import Iterable
from pathlib import Path

SPLIT_VERSION = 1  # bump when split() changes: the files it wrote are named by it


def live(nodes: list, outputs: Iterable[str]) -> tuple[list, set[str]]:
    """The nodes the outputs depend on (in their order), and every tensor name they read."""
    producer = {out: node for node in nodes for out in node.output}
    needed, stack, kept = set(), list(outputs), set()
    while stack:
        name = stack.pop()
        if name in needed:
            continue
        needed.add(name)
        node = producer.get(name)
        if node is not None and id(node) not in kept:
            kept.add(id(node))
            stack.extend(node.input)
            stack.extend(_subgraph_inputs(node))
    return [node for node in nodes if id(node) in kept], needed


def prune(graph, nodes: list) -> None:
    """Make graph's nodes those of `nodes` its outputs depend on, and keep only the weights they read."""
    kept, needed = live(nodes, [output.name for output in graph.output])
    del graph.node[:]
    graph.node.extend(kept)
    weights = [tensor for tensor in graph.initializer if tensor.name in needed]
    del graph.initializer[:]
    graph.initializer.extend(weights)


def _subgraph_inputs(node) -> list[str]:
    """Names a control-flow node's subgraphs read from the outer graph (If, Loop, Scan)."""
    names = []
    for attribute in node.attribute:
        for sub in [attribute.g] * attribute.HasField("g") + list(attribute.graphs):
            for inner in sub.node:
                names.extend(inner.input)
                names.extend(_subgraph_inputs(inner))
    return names


def split(model, cut: Iterable[str]):
    """Two models from one, split where the tensors named in cut are made: (head, tail).

    tail: every node that depends on a cut tensor, with the weights it reads; its inputs are the
    tensors it reads from the rest (the cut, anything else the head computes, and the model's own
    inputs) and its outputs are the model's. head: the model's inputs to the tensors the tail reads,
    pruned to the nodes they need."""
    from onnx import helper

    graph = model.graph
    tainted, tail_nodes = set(cut), []
    for node in graph.node:
        if any(name in tainted for name in [*node.input, *_subgraph_inputs(node)]):
            tail_nodes.append(node)
            tainted.update(node.output)
    made_in_tail = {name for node in tail_nodes for name in node.output}
    weights = {tensor.name: tensor for tensor in graph.initializer}
    read = [name for node in tail_nodes for name in [*node.input, *_subgraph_inputs(node)]]
    inputs = list(dict.fromkeys(name for name in read if name and name not in made_in_tail and name not in weights))
    model_inputs = {value.name: value for value in graph.input}

    def value(name: str):
        return model_inputs.get(name) or helper.make_empty_tensor_value_info(name)

    def make(nodes: list, graph_inputs: list, outputs: list, name: str):
        _, needed = live(nodes, [output.name for output in outputs])
        part = helper.make_graph(nodes, name, graph_inputs, outputs,
                                 [weights[n] for n in sorted(needed) if n in weights])
        return helper.make_model(part, opset_imports=model.opset_import, ir_version=model.ir_version)

    head_nodes, _ = live(list(graph.node), [name for name in inputs if name not in model_inputs])
    head = make(head_nodes, list(graph.input),
                [helper.make_empty_tensor_value_info(name) for name in inputs if name not in model_inputs], "head")
    tail = make(tail_nodes, [value(name) for name in inputs], list(graph.output), "tail")
    return head, tail


def split_files(source: Path, cut: Iterable[str], folder: Path) -> tuple[Path, Path]:
    """split(), written once to folder as <source stem>-v<version>-head.onnx and -tail.onnx (name the
    source by its content, as the dequantized copies are, so that a new model is split anew)."""
    folder.mkdir(parents=True, exist_ok=True)
    head_path, tail_path = (folder / f"{source.stem}-v{SPLIT_VERSION}-{part}.onnx" for part in ("head", "tail"))
    if not (head_path.is_file() and tail_path.is_file()):
        import onnx

        for path, part in zip((head_path, tail_path), split(onnx.load(str(source)), cut)):
            partial = path.with_name(f"{path.name}.{os.getpid()}.partial")  # workers may split at once
            onnx.save(part, str(partial))
            partial.replace(path)
    return head_path, tail_path

"""Compiles one Triton kernel for one configuration with the user's own Triton, without a GPU, for KernelLens.

Reads one JSON request on stdin and writes one JSON reply on stdout; nothing else ever reaches stdout (Triton's and
LLVM's own prints go to stderr), and every failure is a JSON reply, never a traceback on stdout.

The user's file is never imported: module-level code in Triton files often allocates GPU tensors or runs benchmarks.
The language server sends the text of the kernel and of every @triton.jit helper it calls (taken from the syntax
tree), with the few imports and constexpr globals they read; they are executed here, in a fresh namespace, from a
temporary file (Triton's @jit reads a function's source back through `inspect`, which needs a file).

Request: {"kernel": name, "sources": [text...], "imports": ["from triton.language.extra import libdevice"...],
          "globals": {name: number|bool|string}, "signature": {param: "*fp16"|"i32"|"fp32"|"constexpr"...},
          "constexprs": {param: value}, "numWarps": 4, "numStages": 3,
          "target": {"backend": "cuda", "arch": 90, "warpSize": 32}}
Reply:   {"ok": true, "tritonVersion", "convention", "name", "shared", "numWarps", "numStages", "target",
          "cubinBase64", "hash", "attempts": [...]}
      or {"ok": false, "kind": "no-triton"|"bad-request"|"source"|"compile", "message", "tritonVersion"?, "attempts"?}

Registers and spills are not in the reply: Triton fills `n_regs`/`n_spills` only when the CUDA driver loads the
binary (a GPU); KernelLens reads them from the cubin instead (server/src/core/cuda/cubinResources.ts).

Triton's API changed within 3.x, so the ASTSource call is tried in each known form, the one the installed version
documents first, and the reply says which worked ("convention") and why the others did not ("attempts"):
  3.3 and newer: ASTSource(fn, signature={every param by name, constexprs as "constexpr"}, constexprs={name: value})
  3.2:           ASTSource(fn, signature={every param by name, constexprs as "constexpr"}, constants={name|(i,): v})
  3.1:           ASTSource(fn, signature={non-constexpr params by name}, constants={name: value})
  3.0:           ASTSource(fn, signature={non-constexpr params by index}, constants={index: value})
The target is triton.backends.compiler.GPUTarget(backend, arch, warp_size) in every 3.x release.
"""

import ast
import base64
import inspect
import json
import os
import sys
import tempfile
import textwrap
import traceback

# Only these modules may be imported by the kernels' import lines: anything else could be the user's own code.
ALLOWED_IMPORT_ROOTS = ("triton", "math")
MAX_MESSAGE = 4000


def _short(text, limit=MAX_MESSAGE):
    text = str(text)
    return text if len(text) <= limit else text[:limit] + "\n... (cut)"


def _describe(exc):
    """An exception as one message: its type and text (Triton's CompilationError text names the kernel's line)."""
    name = type(exc).__name__
    text = str(exc).strip()
    return _short(name + (": " + text if text else ""))


class Failure(Exception):
    def __init__(self, kind, message, **extra):
        Exception.__init__(self, message)
        self.kind = kind
        self.message = message
        self.extra = extra


def _read_request(raw):
    try:
        req = json.loads(raw)
    except ValueError as exc:
        raise Failure("bad-request", "the request is not JSON: %s" % exc)
    if not isinstance(req, dict):
        raise Failure("bad-request", "the request is not a JSON object")
    kernel = req.get("kernel")
    sources = req.get("sources")
    signature = req.get("signature")
    if not isinstance(kernel, str) or not kernel.isidentifier():
        raise Failure("bad-request", "'kernel' must be the kernel function's name")
    if not isinstance(sources, list) or not sources or not all(isinstance(s, str) for s in sources):
        raise Failure("bad-request", "'sources' must be a non-empty list of the kernel's and its helpers' source texts")
    if not isinstance(signature, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in signature.items()):
        raise Failure("bad-request", "'signature' must map each parameter to a Triton type string ('*fp16', 'i32', 'constexpr')")
    constexprs = req.get("constexprs") or {}
    if not isinstance(constexprs, dict):
        raise Failure("bad-request", "'constexprs' must map parameter names to values")
    target = req.get("target") or {}
    if not isinstance(target, dict):
        raise Failure("bad-request", "'target' must be an object")
    try:
        arch = int(target.get("arch"))
        warp_size = int(target.get("warpSize", 32))
        num_warps = int(req.get("numWarps", 4))
        num_stages = int(req.get("numStages", 3))
    except (TypeError, ValueError):
        raise Failure("bad-request", "target.arch, target.warpSize, numWarps and numStages must be integers")
    backend = target.get("backend", "cuda")
    if not isinstance(backend, str):
        raise Failure("bad-request", "target.backend must be a string")
    imports = req.get("imports") or []
    globals_ = req.get("globals") or {}
    if not isinstance(imports, list) or not all(isinstance(s, str) for s in imports):
        raise Failure("bad-request", "'imports' must be a list of import lines")
    if not isinstance(globals_, dict):
        raise Failure("bad-request", "'globals' must map names to values")
    return {
        "kernel": kernel, "sources": sources, "signature": signature, "constexprs": constexprs, "imports": imports,
        "globals": globals_, "backend": backend, "arch": arch, "warp_size": warp_size, "num_warps": num_warps,
        "num_stages": num_stages,
    }


def _is_jit_decorator(node):
    """`@triton.jit`, `@jit`, `@tl.jit` (with or without arguments)."""
    target = node.func if isinstance(node, ast.Call) else node
    if isinstance(target, ast.Attribute):
        return target.attr == "jit"
    return isinstance(target, ast.Name) and target.id == "jit"


def _prepare_source(text):
    """The source dedented, with every decorator but @jit blanked line for line (autotune configs and heuristics may
    call the user's host code; the configuration is given explicitly). Line numbers are kept."""
    text = textwrap.dedent(text)
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        raise Failure("source", "the kernel's source does not parse: %s" % exc)
    lines = text.split("\n")
    for node in tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            raise Failure("source", "only function definitions may be sent, found %s at line %d" % (type(node).__name__, node.lineno))
        for dec in node.decorator_list:
            if _is_jit_decorator(dec):
                continue
            # The decorator's lines (0-based), from its '@' line, where its expression starts, to its end.
            first = dec.lineno - 1
            last = getattr(dec, "end_lineno", dec.lineno) - 1
            for i in range(first, last + 1):
                lines[i] = ""
    return "\n".join(lines)


def _allowed_import(line):
    try:
        tree = ast.parse(line.strip())
    except SyntaxError:
        return False
    for node in tree.body:
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                return False
            names = [node.module or ""]
        else:
            return False
        if not all(n.split(".")[0] in ALLOWED_IMPORT_ROOTS for n in names):
            return False
    return True


def _load_kernel(req, triton, tl, workdir):
    """Executes the sources from a file in `workdir` and returns the kernel's JITFunction."""
    from triton.runtime.jit import JITFunction

    namespace = {"__name__": "kernellens_triton_kernels", "triton": triton, "tl": tl}
    skipped = []
    for line in req["imports"]:
        if _allowed_import(line):
            try:
                exec(compile(line.strip(), "<import>", "exec"), namespace)
            except Exception as exc:  # a missing optional module: the kernel may not need it
                skipped.append("%s (%s)" % (line.strip(), _describe(exc)))
        else:
            skipped.append("%s (not a triton or math import)" % line.strip())
    for name, value in req["globals"].items():
        if isinstance(name, str) and name.isidentifier() and isinstance(value, (int, float, bool, str)):
            # Triton kernels may read only constexpr globals.
            namespace[name] = tl.constexpr(value)
    text = "\n\n".join(_prepare_source(s) for s in req["sources"]) + "\n"
    path = os.path.join(workdir, "kernellens_%s.py" % req["kernel"])
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    namespace["__file__"] = path
    try:
        exec(compile(text, path, "exec"), namespace)
    except Exception as exc:
        raise Failure("source", "the kernel's source could not be executed: %s" % _describe(exc))
    fn = namespace.get(req["kernel"])
    # Wrappers (autotuner, heuristics) keep the function in `.fn`.
    while fn is not None and not isinstance(fn, JITFunction) and hasattr(fn, "fn"):
        fn = fn.fn
    if fn is None:
        raise Failure("source", "no function named %s in the sources" % req["kernel"])
    if not isinstance(fn, JITFunction):
        fn = triton.jit(fn)
    return fn, skipped


def _conventions(ast_source_cls, version):
    """The ASTSource forms to try, the one this Triton documents first."""
    try:
        params = inspect.signature(ast_source_cls.__init__).parameters
    except (TypeError, ValueError):
        params = {}
    try:
        major_minor = tuple(int(p) for p in version.split(".")[:2])
    except ValueError:
        major_minor = (0, 0)
    if "constexprs" in params:
        first = ["constexprs"]
    elif major_minor >= (3, 2):
        first = ["constants-full-signature", "constants-index-tuples"]
    elif major_minor >= (3, 1):
        first = ["constants-by-name"]
    else:
        first = ["constants-by-index"]
    rest = [c for c in ("constexprs", "constants-full-signature", "constants-index-tuples", "constants-by-name", "constants-by-index") if c not in first]
    if "constexprs" not in params:
        rest = [c for c in rest if c != "constexprs"]
    return first + rest


def _make_source(convention, ASTSource, fn, req):
    names = list(fn.arg_names)
    sig = req["signature"]
    consts = req["constexprs"]
    unknown = [k for k in list(sig) + list(consts) if k not in names]
    if unknown:
        raise Failure("bad-request", "%s has no parameter %s (its parameters: %s)" % (req["kernel"], ", ".join(unknown), ", ".join(names)))
    is_const = lambda n: n in consts or sig.get(n) == "constexpr"
    missing = [n for n in names if n not in sig and n not in consts]
    if missing:
        raise Failure("bad-request", "no type or value for parameter %s" % ", ".join(missing))
    unvalued = [n for n in names if sig.get(n) == "constexpr" and n not in consts]
    if unvalued:
        raise Failure("bad-request", "no value for constexpr parameter %s" % ", ".join(unvalued))
    full = {n: ("constexpr" if is_const(n) else sig[n]) for n in names}
    plain_by_name = {n: sig[n] for n in names if not is_const(n)}
    if convention == "constexprs":
        return ASTSource(fn, signature=full, constexprs={n: consts[n] for n in names if n in consts})
    if convention == "constants-full-signature":
        return ASTSource(fn, signature=full, constants={n: consts[n] for n in names if n in consts})
    if convention == "constants-index-tuples":
        return ASTSource(fn, signature=full, constants={(names.index(n),): consts[n] for n in names if n in consts})
    if convention == "constants-by-name":
        return ASTSource(fn, signature=plain_by_name, constants={n: consts[n] for n in names if n in consts})
    return ASTSource(fn, signature={names.index(n): t for n, t in plain_by_name.items()},
                     constants={names.index(n): consts[n] for n in names if n in consts})


def _metadata_value(metadata, key, default=None):
    if isinstance(metadata, dict):
        return metadata.get(key, default)
    return getattr(metadata, key, default)


def _compile(req):
    try:
        import triton
        import triton.language as tl
    except ImportError as exc:
        raise Failure("no-triton", "triton is not installed in this Python (%s): %s" % (sys.executable, _describe(exc)))
    version = str(getattr(triton, "__version__", "unknown"))
    try:
        from triton.compiler import ASTSource
        from triton.backends.compiler import GPUTarget
    except ImportError as exc:
        raise Failure("no-triton", "this Triton (%s) has no triton.compiler.ASTSource or triton.backends.compiler.GPUTarget (Triton 3.0 or newer is needed): %s" % (version, _describe(exc)), tritonVersion=version)

    workdir = tempfile.mkdtemp(prefix="kernellens-triton-")
    try:
        fn, skipped = _load_kernel(req, triton, tl, workdir)
        target = GPUTarget(req["backend"], req["arch"], req["warp_size"])
        options = {"num_warps": req["num_warps"], "num_stages": req["num_stages"]}
        attempts = []
        for convention in _conventions(ASTSource, version):
            try:
                src = _make_source(convention, ASTSource, fn, req)
                kernel = triton.compile(src, target=target, options=options)
            except Failure:
                raise
            except Exception as exc:
                attempts.append({"convention": convention, "error": _describe(exc)})
                continue
            metadata = kernel.metadata
            asm = getattr(kernel, "asm", {}) or {}
            cubin = asm.get("cubin") if hasattr(asm, "get") else None
            if cubin is None:
                cubin = getattr(kernel, "kernel", None)
            reply = {
                "ok": True,
                "tritonVersion": version,
                "convention": convention,
                "name": _metadata_value(metadata, "name", req["kernel"]),
                "shared": _metadata_value(metadata, "shared"),
                "numWarps": _metadata_value(metadata, "num_warps", req["num_warps"]),
                "numStages": _metadata_value(metadata, "num_stages", req["num_stages"]),
                "target": {"backend": req["backend"], "arch": req["arch"], "warpSize": req["warp_size"]},
                "hash": getattr(kernel, "hash", None),
                "attempts": attempts,
            }
            if isinstance(cubin, (bytes, bytearray)):
                reply["cubinBase64"] = base64.b64encode(bytes(cubin)).decode("ascii")
            if skipped:
                reply["skippedImports"] = skipped
            return reply
        raise Failure("compile", attempts[0]["error"] if attempts else "no ASTSource form was tried", tritonVersion=version, attempts=attempts)
    finally:
        for name in os.listdir(workdir):
            try:
                os.remove(os.path.join(workdir, name))
            except OSError:
                pass
        try:
            os.rmdir(workdir)
        except OSError:
            pass


def main():
    # Everything printed while compiling (Triton, LLVM, ptxas) goes to stderr: stdout carries only the reply.
    reply_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    try:
        try:
            req = _read_request(sys.stdin.read())
            reply = _compile(req)
        except Failure as failure:
            reply = dict({"ok": False, "kind": failure.kind, "message": failure.message}, **failure.extra)
        except BaseException as exc:  # a bug here or in Triton: still a JSON reply, the traceback on stderr
            traceback.print_exc()
            reply = {"ok": False, "kind": "compile", "message": "unexpected failure: %s" % _describe(exc)}
        data = json.dumps(reply, default=str).encode("utf-8")
        view = memoryview(data)
        while view:
            written = os.write(reply_fd, view)
            view = view[written:]
    finally:
        os.close(reply_fd)
    return 0


if __name__ == "__main__":
    sys.exit(main())

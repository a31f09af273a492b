"""Executes Jupyter notebooks headlessly with nbclient (jobs/notebooks calls this).

Kernel start-up is retried (the rapaio kernel sometimes never answers its first request:
../shared/notes/notebooks.md); a failing cell is not retried: the notebook fails. Cells tagged
skip-execution (the user's setup cell) are skipped by nbclient. Each executed copy is written to
--out, failed or not, so its outputs can be read. Only failures are reported; the exit status
says whether every notebook passed.
"""
import argparse
import os
import re
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

START_ATTEMPTS = 6
# A Java stack trace in a cell's output ("\tat org.x.Y.m(Y.java:1)", "Caused by: ..."): a person
# reading the notebook must never see one, even from a cell that did not fail.
STACK_TRACE = re.compile(r"^\s+at [\w.$<>/]+\(.*\)|^Caused by: ", re.MULTILINE)


def stack_traces(nb):
    """The indices of code cells with a stack trace in their text outputs."""
    found = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            text = output.get("text", "") or "".join(output.get("traceback", []))
            if isinstance(output.get("data"), dict):
                text += str(output["data"].get("text/plain", ""))
            if STACK_TRACE.search(text):
                found.append(index)
                break
    return found


def started_client(nb, kernel, cwd, cell_timeout, startup_timeout, log):
    """A client with a kernel that answered, after at most START_ATTEMPTS tries; the kernel's own
    stdout and stderr (its start-up chatter, JVM warnings) go to the file `log`."""
    last = None
    for attempt in range(1, START_ATTEMPTS + 1):
        client = NotebookClient(nb, kernel_name=kernel, timeout=cell_timeout,
                                startup_timeout=startup_timeout, allow_errors=False,
                                resources={"metadata": {"path": cwd}})
        client.km = client.create_kernel_manager()
        try:
            client.start_new_kernel(stdout=log, stderr=log)
            client.start_new_kernel_client()
            return client
        except Exception as e:  # the kernel did not answer: stop it and start a fresh one
            last = e
            reason = (str(e).splitlines() or [repr(e)])[0]
            print(f"  kernel start {attempt}/{START_ATTEMPTS} failed: {reason}", file=sys.stderr)
            # nbclient shuts a kernel that did not answer down itself (and drops km); a kernel
            # that failed before that is stopped here.
            if client.km is not None:
                try:
                    client.km.shutdown_kernel(now=True)
                except Exception:
                    pass
    raise RuntimeError(f"the kernel did not start in {START_ATTEMPTS} attempts: {last}")


def run(path, kernel, out_dir, cell_timeout, startup_timeout):
    nb = nbformat.read(path, as_version=4)
    cwd = os.path.dirname(os.path.abspath(path))
    out = os.path.join(out_dir, os.path.basename(path))
    log_path = out[:-len(".ipynb")] + ".kernel.log"
    start = time.time()
    ok = True
    try:
        with open(log_path, "w") as log:
            client = started_client(nb, kernel, cwd, cell_timeout, startup_timeout, log)
            client.execute()
    except CellExecutionError as e:
        ok = False
        print(f"FAILED {path}: a cell raised an error:\n{str(e)[-3000:]}", file=sys.stderr)
    except Exception as e:
        ok = False
        print(f"FAILED {path}: {type(e).__name__}: {str(e)[-2000:]} (kernel log: {log_path})",
              file=sys.stderr)
    traced = stack_traces(nb)
    if ok and traced:
        ok = False
        print(f"FAILED {path}: stack traces in the outputs of cells {traced}", file=sys.stderr)
    nbformat.write(nb, out)
    if not ok:
        print(f"FAILED {os.path.basename(path)} after {time.time() - start:.0f} s; its executed"
              f" copy: {out}", file=sys.stderr)
    return ok


def kernel_of(path, args):
    """--python-kernel for a notebook written for Python, --kernel for the others."""
    spec = nbformat.read(path, as_version=4).metadata.get("kernelspec", {})
    if spec.get("language") == "python":
        return args.python_kernel or spec.get("name", "python3")
    return args.kernel


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kernel", required=True, help="kernel of the Java notebooks")
    parser.add_argument("--python-kernel", help="kernel of the notebooks whose kernelspec's"
                        " language is python (default: their own kernelspec's name)")
    parser.add_argument("--out", required=True)
    parser.add_argument("--cell-timeout", type=int, default=1800)
    parser.add_argument("--startup-timeout", type=int, default=120)
    parser.add_argument("notebooks", nargs="+")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    failed = [p for p in args.notebooks
              if not run(p, kernel_of(p, args), args.out, args.cell_timeout,
                         args.startup_timeout)]
    if failed:
        print(f"{len(failed)} of {len(args.notebooks)} notebooks failed: {', '.join(failed)}",
              file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

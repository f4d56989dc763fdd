"""make_suite_test: an sh_test that runs one suite of the Makefile.

Used for the suites Bazel cannot build natively offline (Rust through cargo,
Go, Node): the test runs `make <target>` in the real source tree via
//tools/bazel:make_suite.sh, so Bazel and `make test` run the same commands
and share their build output. See make_suite.sh for why the tests are
tagged local, external and exclusive.

The tests are also `manual`: `bazel test //...` does not run them, because
`make test` already runs each of these make targets directly (running them
again under Bazel took 60-100 s and doubled the chances of a flaky failure).
A user who only uses Bazel runs them by name, or all at once with
`bazel test //:all_tests` (root BUILD.bazel).
"""

def make_suite_test(name, make_target, data = [], tags = [], **kwargs):
    """Declares `name` as an sh_test running `make make_target`.

    Args:
      name: the test target's name.
      make_target: the Makefile target that runs the suite (e.g. test-go).
      data: the suite's sources, declared for readers and for `bazel query`
        (the test is never cached, so they do not decide whether it runs).
      tags: extra tags.
      **kwargs: passed to sh_test (e.g. timeout).
    """
    native.sh_test(
        name = name,
        srcs = ["//tools/bazel:make_suite.sh"],
        args = [make_target],
        data = ["//:Makefile"] + data,
        # manual: only when named (`make test` runs the make target itself).
        # local: unsandboxed, it writes the tree's build folders. external:
        # never cached, it depends on toolchains and servers Bazel does not
        # track. exclusive: one at a time, they each use every core.
        tags = ["manual", "local", "external", "exclusive"] + tags,
        size = kwargs.pop("size", "enormous"),
        **kwargs
    )

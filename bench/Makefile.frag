# bench/: the benchmark of SPEC 8 / issue 4.  Makefile.am includes this
# fragment (include $(srcdir)/bench/Makefile.frag); `make bench` builds the
# tools and ./hecsentry, then runs bench/run.sh, which rewrites the results
# section of docs/PERFORMANCE.md.  The tools build with `make` too, so CI
# compiles them with the project's warnings.

BENCH_PROGS = bench/hecsentry-gen bench/hecsentry-send bench/hecsentry-baseline
noinst_PROGRAMS = $(BENCH_PROGS)
bench_hecsentry_gen_SOURCES = bench/gen.c bench/gen_event.c bench/gen_render.c \
	bench/gen_library.c bench/gen.h
bench_hecsentry_send_SOURCES = bench/send.c
bench_hecsentry_send_LDADD = -lpthread
bench_hecsentry_baseline_SOURCES = bench/baseline.c

# hecsentry-pipe: frames from a file through pipeline_frame(), no sockets,
# for counting instructions under callgrind (docs/PERFORMANCE.md).
noinst_PROGRAMS += bench/hecsentry-pipe
bench_hecsentry_pipe_SOURCES = bench/pipe.c
bench_hecsentry_pipe_LDADD = libtestref.a $(CORE_LIBS)

# Tests of the tools themselves (Criterion): add bench/test_bench to
# check_PROGRAMS and TESTS inside "if HAVE_CRITERION", and BENCHBIN to
# AM_TESTS_ENVIRONMENT:
#	BENCHBIN='$(abs_top_builddir)/bench'; export BENCHBIN;
bench_test_bench_SOURCES = bench/test_bench.c
bench_test_bench_LDADD = $(JSONC_LIBS) $(CRITERION_LIBS)

bench: hecsentry$(EXEEXT) $(BENCH_PROGS) bench/hecsentry-pipe$(EXEEXT) \
    tests/func/hec_receiver$(EXEEXT)
	HECSENTRY='$(abs_top_builddir)/hecsentry$(EXEEXT)' \
	BENCHBIN='$(abs_top_builddir)/bench' \
	RECEIVER='$(abs_top_builddir)/tests/func/hec_receiver$(EXEEXT)' \
	CONF='$(abs_top_srcdir)/conf/hecsentry.conf' \
	sh $(srcdir)/bench/run.sh

.PHONY: bench

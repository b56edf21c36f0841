/*
 * Unit tests of decode_xml_scan(), the XML hot path, against the expat
 * path it must equal (decode_xml.c with decode_xml_set_fast(false)): the
 * real XmlWinEventLog records of tests/data decode by the scanner to the
 * same fields, values and arena bytes as by expat, with decoded and raw
 * values and with few fields wanted; each class of document outside the
 * scanner's subset (decode_xml_scan.c) is given up, leaves the event
 * untouched, is counted in xml_fallback and still gets expat's answer;
 * and values the XML 1.0 recommendation defines are checked on their
 * own (section 4.6 for the predefined entities, 4.1 for character
 * references, 2.11 for line ends, 3.3.3 for blanks in attribute values).
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "decode/decode.h"
#include "decode/event.h"
#include "testref.h"
#include "test_data.h"

static struct event		 scan, ref;
static struct decode_limits	 lim;

static void
setup(void)
{
	event_fields_init();
	/* Registered, as a reader of the events would intern them. */
	for (int i = 0; i < DECODE_SYS_N; i++)
		(void)event_field_intern(decode_sys_name((enum decode_sys)i),
		    strlen(decode_sys_name((enum decode_sys)i)));
	(void)event_field_intern("Hashes", 6);
	(void)event_field_intern("TargetFilename", 14);
	event_init(&scan, 1 << 16);
	event_init(&ref, 1 << 16);
	memset(&lim, 0, sizeof(lim));
	lim.max_depth = 64;
}

static void
teardown(void)
{
	decode_xml_set_fast(true);
	decode_ctx_want(testref_dc(), NULL);
	event_clear(&scan);
	event_clear(&ref);
}

TestSuite(decode_xml_scan, .init = setup, .fini = teardown);

/* buf by expat alone into ref; returns its answer. */
static enum decode_error
by_expat(const char *buf, size_t len)
{
	enum decode_error	 e;

	event_reset(&ref);
	decode_xml_set_fast(false);
	e = decode_xml(testref_dc(), buf, len, &lim, &ref);
	decode_xml_set_fast(true);
	return e;
}

/*
 * buf by the scanner, which must decode it, and by expat: the same
 * event.  Returns the number of fields set.
 */
static int
expect_same(const char *what, const char *buf, size_t len)
{
	int	 id, n = 0;

	event_reset(&scan);
	cr_assert(decode_xml_scan(testref_dc(), buf, len, &lim, &scan),
	    "%s: the scanner gave up", what);
	cr_assert_eq(by_expat(buf, len), DECODE_OK, "%s: expat refused",
	    what);
	id = testref_event_diff(&scan, &ref);
	cr_assert_eq(id, -1, "%s: %s differs from expat's", what,
	    id == -2 ? "arena or shape" : event_field_name(id));
	for (id = 0; id < EVENT_MAX_FIELDS; id++)
		n += event_has(&scan, id);
	return n;
}

/* buf must be given up, leave scan untouched and still decode as expat. */
static void
expect_fallback(const char *what, const char *buf, size_t len)
{
	struct event		 fresh;
	enum decode_error	 e, eref;
	uint64_t		 before;
	int			 id;

	event_init(&fresh, 16);
	event_reset(&scan);
	cr_assert(!decode_xml_scan(testref_dc(), buf, len, &lim, &scan),
	    "%s: the scanner decoded it", what);
	fresh.arena_len = scan.arena_len;
	cr_expect_eq(scan.arena_len, 0, "%s: arena used", what);
	cr_expect_eq(testref_event_diff(&scan, &fresh), -1,
	    "%s: event touched", what);
	event_clear(&fresh);
	eref = by_expat(buf, len);
	before = testref_dc()->xml_fallback;
	event_reset(&scan);
	e = decode_xml(testref_dc(), buf, len, &lim, &scan);
	cr_expect_eq(testref_dc()->xml_fallback, before + 1,
	    "%s: not counted as a fallback", what);
	cr_expect_eq(e, eref, "%s: %s, expat alone %s", what,
	    decode_error_name(e), decode_error_name(eref));
	if (e == DECODE_OK) {
		id = testref_event_diff(&scan, &ref);
		cr_expect_eq(id, -1, "%s: %s differs", what,
		    id == -2 ? "arena or shape" : event_field_name(id));
	}
}

static void
expect_value(const char *name, const char *want)
{
	const char	*v = NULL;
	size_t		 len = 0;
	int		 id = event_field_lookup(name, strlen(name));

	cr_assert(id >= 0 && event_get(&scan, id, &v, &len), "%s unset",
	    name);
	cr_expect(len == strlen(want) && memcmp(v, want, len) == 0,
	    "%s is \"%.*s\", not \"%s\"", name, (int)len, v, want);
}

/* The real XmlWinEventLog records of tests/data (see their READMEs). */
static const char *const real_files[] = {
	"splunk_security_content_agenttesla_ftp_eid3/"
	    "agenttesla_ftp_sysmon_eid3.xml",
	"shapes/xmlwineventlog.xml",
	"splunk_security_content_data_sources/sysmon_eventid_1.xml",
	"splunk_security_content_data_sources/sysmon_eventid_3.xml",
	"splunk_security_content_data_sources/sysmon_eventid_5.xml",
	"splunk_security_content_data_sources/sysmon_eventid_6.xml",
	"splunk_security_content_data_sources/sysmon_eventid_7.xml",
	"splunk_security_content_data_sources/sysmon_eventid_8.xml",
	"splunk_security_content_data_sources/sysmon_eventid_9.xml",
	"splunk_security_content_data_sources/sysmon_eventid_10.xml",
	"splunk_security_content_data_sources/sysmon_eventid_11.xml",
	"splunk_security_content_data_sources/sysmon_eventid_12.xml",
	"splunk_security_content_data_sources/sysmon_eventid_13.xml",
	"splunk_security_content_data_sources/sysmon_eventid_15.xml",
	"splunk_security_content_data_sources/sysmon_eventid_17.xml",
	"splunk_security_content_data_sources/sysmon_eventid_18.xml",
	"splunk_security_content_data_sources/sysmon_eventid_20.xml",
	"splunk_security_content_data_sources/sysmon_eventid_21.xml",
	"splunk_security_content_data_sources/sysmon_eventid_22.xml",
	"splunk_security_content_data_sources/sysmon_eventid_23.xml",
	"splunk_security_content_data_sources/sysmon_for_linux_eventid_1.xml",
	"splunk_security_content_data_sources/"
	    "sysmon_for_linux_eventid_11.xml",
};

Test(decode_xml_scan, real_records_as_expat)
{
	uint64_t	 want[EVENT_MAX_FIELDS / 64];
	uint64_t	 before;
	size_t		 i, len;
	char		*buf;
	int		 n;

	for (i = 0; i < sizeof(real_files) / sizeof(real_files[0]); i++) {
		buf = read_data(real_files[i], &len);
		lim.xml_raw = false;
		n = expect_same(real_files[i], buf, len);
		cr_expect_geq(n, 10, "%s: only %d fields", real_files[i], n);
		lim.xml_raw = true;
		(void)expect_same(real_files[i], buf, len);
		lim.xml_raw = false;
		/* Only the builtin fields and Hashes wanted. */
		memset(want, 0, sizeof(want));
		n = event_field_lookup("Hashes", 6);
		want[n >> 6] |= (uint64_t)1 << (n & 63);
		decode_ctx_want(testref_dc(), want);
		(void)expect_same(real_files[i], buf, len);
		decode_ctx_want(testref_dc(), NULL);
		/* decode_xml() as the daemon runs it: no fallback. */
		before = testref_dc()->xml_fallback;
		event_reset(&scan);
		cr_expect_eq(decode_xml(testref_dc(), buf, len, &lim, &scan),
		    DECODE_OK);
		cr_expect_eq(testref_dc()->xml_fallback, before,
		    "%s went to expat", real_files[i]);
		free(buf);
	}
}

#define HEAD	"<Event xmlns='http://schemas.microsoft.com/win/2004/08/" \
		"events/event'><System><Provider Name='Microsoft-Windows-" \
		"Sysmon'/><EventID>3</EventID><Computer>h</Computer>" \
		"</System><EventData>"
#define TAIL	"</EventData></Event>"
#define S(x)	(x), sizeof(x) - 1

Test(decode_xml_scan, values_as_xml_defines_them)
{
	/* 4.6: the five predefined entities; 4.1: character references. */
	expect_same("entities", S(HEAD
	    "<Data Name='Image'>a&amp;b&lt;c&gt;d&quot;e&apos;f</Data>"
	    "<Data Name='User'>&#65;&#x42;&#x0043;&#233;&#x1F600;</Data>"
	    TAIL));
	expect_value("Image", "a&b<c>d\"e'f");
	expect_value("User", "ABC\xc3\xa9\xf0\x9f\x98\x80");
	/* Raw values keep element text as written, not attributes. */
	lim.xml_raw = true;
	expect_same("raw", S(HEAD "<Data Name='Im&#97;ge'>a&amp;b&#65;"
	    "</Data>" TAIL));
	expect_value("Image", "a&amp;b&#65;");
	lim.xml_raw = false;
	/* 2.11: CR LF and CR in text are LF; 3.3.3: blanks in attributes. */
	expect_same("line ends", S("<Event><System><Provider Name='a\tb\r\nc"
	    "\nd\re'/><Computer>x\r\ny\rz\n</Computer></System></Event>"));
	expect_value("SourceName", "a b c d e");
	expect_value("Computer", "x\ny\nz\n");
	/* An XML declaration, blanks and nested elements in a value. */
	expect_same("declaration", S("<?xml version=\"1.0\" encoding="
	    "\"UTF-8\" standalone='yes'?>\n<Event >\n <System >"
	    "<Computer>a<b c='d'>e</b>f</Computer></System></Event >\n"));
	expect_value("Computer", "af");
	/* An empty element unsets what an earlier one set. */
	expect_same("empty", S(HEAD "<Data Name='Computer'/>" TAIL));
	cr_expect(!event_has(&scan, EVENT_F_COMPUTER));
}

Test(decode_xml_scan, fallback_classes)
{
	static const struct {
		const char	*what;
		const char	*doc;
	} docs[] = {
		{ "DOCTYPE", "<!DOCTYPE Event><Event/>" },
		{ "DOCTYPE with entity", "<?xml version='1.0'?><!DOCTYPE "
		    "Event [<!ENTITY a 'x'>]><Event><System><Computer>&a;"
		    "</Computer></System></Event>" },
		{ "comment", HEAD "<!-- c --><Data Name='Image'>x</Data>"
		    TAIL },
		{ "CDATA", HEAD "<Data Name='Image'><![CDATA[a&b]]></Data>"
		    TAIL },
		{ "processing instruction", HEAD "<?pi x?>" TAIL },
		{ "prefixed names", "<e:Event xmlns:e='http://schemas."
		    "microsoft.com/win/2004/08/events/event'><e:System>"
		    "<e:Computer>h</e:Computer></e:System></e:Event>" },
		{ "other namespace", "<Event xmlns='urn:other'><System>"
		    "<Computer>h</Computer></System></Event>" },
		{ "empty namespace", "<Event xmlns=''><System><Computer>h"
		    "</Computer></System></Event>" },
		{ "other encoding", "<?xml version='1.0' encoding='ISO-8859-1'"
		    "?><Event/>" },
		{ "bad UTF-8", HEAD "<Data Name='Image'>a\xc3(</Data>" TAIL },
		{ "overlong UTF-8", HEAD "<Data Name='Image'>\xc0\xaf</Data>"
		    TAIL },
		{ "U+FFFE", HEAD "<Data Name='Image'>\xef\xbf\xbe</Data>"
		    TAIL },
		{ "control byte", HEAD "<Data Name='Image'>a\x01</Data>"
		    TAIL },
		{ "entity in attribute", HEAD "<Data Name='&nope;'>x</Data>"
		    TAIL },
		{ "entity in text", HEAD "<Data Name='Image'>&nope;</Data>"
		    TAIL },
		{ "char ref to NUL", HEAD "<Data Name='Image'>&#0;</Data>"
		    TAIL },
		{ "char ref to a surrogate", HEAD "<Data Name='Image'>"
		    "&#xD800;</Data>" TAIL },
		{ "char ref with X", HEAD "<Data Name='Image'>&#X41;</Data>"
		    TAIL },
		{ "char ref too large", HEAD "<Data Name='Image'>&#x110000;"
		    "</Data>" TAIL },
		{ "bare ampersand", HEAD "<Data Name='Image'>a & b</Data>"
		    TAIL },
		{ "]]> in text", HEAD "<Data Name='Image'>a]]>b</Data>" TAIL },
		{ "< in attribute", HEAD "<Data Name='a<b'>x</Data>" TAIL },
		{ "duplicate attribute", HEAD "<Data Name='Image' Name='User'>"
		    "x</Data>" TAIL },
		{ "no blank between attributes", "<Event><System><Provider "
		    "Name='a'Guid='b'/></System></Event>" },
		{ "malformed nesting", HEAD "<Data Name='Image'>x</Dat>"
		    TAIL },
		{ "unclosed", HEAD "<Data Name='Image'>x</Data>" },
		{ "two roots", "<Event></Event><Event></Event>" },
		{ "root not Event", "<Other><System><Computer>h</Computer>"
		    "</System></Other>" },
		{ "depth over the limit", "<Event><a><b><c><d><e><f><g><h>"
		    "</h></g></f></e></d></c></b></a></Event>" },
		{ "declaration not first", " <?xml version='1.0'?><Event/>" },
		{ "version 1.1", "<?xml version='1.1'?><Event/>" },
	};
	size_t	 i;

	lim.max_xml_depth = 8;
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		expect_fallback(docs[i].what, docs[i].doc,
		    strlen(docs[i].doc));
	/* The prefixed record of tests/data decodes, through expat. */
	{
		size_t	 len;
		char	*buf = read_data("shapes/xmlwineventlog_prefixed.xml",
		    &len);

		expect_fallback("prefixed record", buf, len);
		cr_expect_eq(by_expat(buf, len), DECODE_OK);
		free(buf);
	}
}

/* The arena filling up is expat's error to report, the same one. */
Test(decode_xml_scan, arena_full_is_expats)
{
	size_t	 len;
	char	*buf = read_data("shapes/xmlwineventlog.xml", &len);

	event_clear(&scan);
	event_clear(&ref);
	event_init(&scan, 64);
	event_init(&ref, 64);
	expect_fallback("small arena", buf, len);
	cr_expect_eq(by_expat(buf, len), DECODE_ERR_TOO_LARGE);
	free(buf);
}

/*
 * The Sysmon-to-CIM mapping, as data: which fields Splunk's Sysmon add-on
 * derives per event id, which events belong to each data model dataset
 * and how each dataset field derives from the event.  The mapping is a
 * text file (conf/cim.conf, described in cim(5)) loaded at start and on
 * SIGHUP; nothing here knows a field name of its own.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_CIM_H
#define HECSENTRY_CIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/event.h"

#define CIM_MAX_EVENT_CODE	255	/* event ids a section may name */

struct cim_map;
struct cim_dataset;

/*
 * Parses a mapping (text of len bytes; name is used in errors, as
 * "name:line: what is wrong").  The names rules set and read are interned
 * with event_field_intern(), so this runs at load time only; the names of
 * "fields =" lines are kept as names and not interned: the decoders store
 * a field only once some reader (a detection) interns its name.  Returns
 * the map (caller cim_map_free()s) or NULL with *errstr (caller frees).
 */
struct cim_map	*cim_map_parse(const char *text, size_t len, const char *name,
		    char **errstr);

/* Reads and parses the file at path; as cim_map_parse(). */
struct cim_map	*cim_map_load(const char *path, char **errstr);

/* cim_map_free(NULL) does nothing. */
void		 cim_map_free(struct cim_map *m);

/*
 * Restricts the map to what some detection reads: need is a bit set of
 * EVENT_MAX_FIELDS field ids.  Rules whose target is needed, or read by a
 * kept rule, stay; the others are skipped by the apply functions.  NULL
 * keeps every rule (the default after parsing).
 */
void		 cim_map_prepare(struct cim_map *m, const uint64_t *need);

/*
 * Adds to want (a bit set of EVENT_MAX_FIELDS field ids) the fields the
 * map's live rules read: what the decoders must keep for the CIM fields
 * some detection reads (every rule before cim_map_prepare()).
 */
void		 cim_map_reads(const struct cim_map *m, uint64_t *want);

/*
 * Adds the add-on fields of a Sysmon event (its source names Sysmon and
 * its EventCode is a number) from the map's [sysmon] sections.  A field
 * the event already carries is never replaced.  Returns 0, or -1 when the
 * event's arena is full (the fields set so far stay).
 */
int		 cim_addon_apply(const struct cim_map *m, struct event *ev);

/*
 * The dataset named "Model.Dataset" (e.g. "Endpoint.Processes"), or a
 * dataset named by its object alone ("Processes"); NULL when the map
 * has none.  Borrowed from the map.
 */
const struct cim_dataset *cim_dataset_find(const struct cim_map *m,
		    const char *name, size_t len);

/* "Endpoint.Processes" and "Processes" of a dataset. */
const char	*cim_dataset_name(const struct cim_dataset *ds);
const char	*cim_dataset_object(const struct cim_dataset *ds);

/* True when the event belongs to the dataset (a Sysmon event listed). */
bool		 cim_dataset_has(const struct cim_dataset *ds,
		    const struct event *ev);

/* True when events of Sysmon event id code may belong to the dataset. */
bool		 cim_dataset_lists(const struct cim_dataset *ds,
		    size_t code);

/*
 * Sets the dataset's fields ("Processes.dest", ...) on an event that
 * belongs to it.  Returns 0, or -1 when the arena is full.
 */
int		 cim_dataset_apply(const struct cim_dataset *ds,
		    struct event *ev);

/*
 * The field id of "Object.field" when the dataset defines that field
 * (some rule sets it), else -1: a search on it can never match.
 */
int		 cim_dataset_field(const struct cim_dataset *ds,
		    const char *field, size_t len);

/* The number of datasets, and the i-th. */
size_t		 cim_map_ndatasets(const struct cim_map *m);
const struct cim_dataset *cim_map_dataset(const struct cim_map *m, size_t i);

/*
 * True when some event can carry field id: a raw field the map declares
 * ("fields = ...", compared by name), or one a rule sets (add-on or
 * dataset field).  A
 * search on any other field can never match.
 */
bool		 cim_map_produces(const struct cim_map *m, int id);

#endif /* HECSENTRY_CIM_H */

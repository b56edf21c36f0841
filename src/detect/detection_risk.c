/*
 * A detection's risk metadata, as Splunk ES's risk action gets it from a
 * security_content file: the message, the score, the risk objects and
 * threat objects, the kill chain phases.  Two generations of files:
 *   - later ones carry an rba block: message, risk_objects (field, type
 *     user/system/other, score) and threat_objects (field, type);
 *   - 2024 ones carry tags.message, tags.risk_score (or confidence and
 *     impact) and tags.observable (name, type, role), which contentctl 4
 *     (detection_abstract.py, the "risk" property) turned into the risk
 *     action's objects: a Victim of type User, Username or Email Address
 *     is a user risk object, a Victim of type Device, Endpoint, Hostname
 *     or IP Address a system one; an Attacker is a threat object (Process
 *     Name or Process: process; File Name, File or File Hash: file_name;
 *     IP Address: ip_address; URL String or URL: url; any other type: the
 *     type in lower case); every other observable is an "other" risk
 *     object.  Risk objects of 2024 files score tags.risk_score.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "detect/detection.h"
#include "detect/detection_int.h"
#include "xmalloc.h"

/* One row of contentctl 4's observable mapping. */
struct detection_obs_map {
	const char	*role;		/* a role it must have */
	const char	*type;		/* its type, without case */
	const char	*to;		/* the object's type */
	bool		 threat;	/* a threat object */
};

/* In contentctl's order: the first row that matches wins. */
static const struct detection_obs_map detection_obs_map[] = {
	{ "Victim", "user", "user", false },
	{ "Victim", "username", "user", false },
	{ "Victim", "email address", "user", false },
	{ "Victim", "device", "system", false },
	{ "Victim", "endpoint", "system", false },
	{ "Victim", "hostname", "system", false },
	{ "Victim", "ip address", "system", false },
	{ "Attacker", "process name", "process", true },
	{ "Attacker", "process", "process", true },
	{ "Attacker", "file name", "file_name", true },
	{ "Attacker", "file", "file_name", true },
	{ "Attacker", "file hash", "file_name", true },
	{ "Attacker", "ip address", "ip_address", true },
	{ "Attacker", "url string", "url", true },
	{ "Attacker", "url", "url", true },
	{ NULL, NULL, NULL, false }
};

static void
detection_object_add(struct detection *d, const char *field,
    const char *type, int score, bool threat)
{
	struct detection_object	*o;

	d->objects = xreallocarray(d->objects, d->nobjects + 1,
	    sizeof(*d->objects));
	o = &d->objects[d->nobjects++];
	o->field = xstrdup(field);
	o->type = xstrdup(type);
	o->score = score;
	o->threat = threat;
}

/* Whether the string list v[0..n) holds s. */
static bool
detection_strv_has(char **v, size_t n, const char *s)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

/* One tags.observable entry, mapped as the file comment says. */
static int
detection_load_observable(struct detection *d, struct detection_yaml *y,
    yaml_node_t *o, char **errstr)
{
	const struct detection_obs_map *m;
	char		*name = NULL, *type = NULL, **roles = NULL, *lower;
	size_t		 nroles = 0, i;
	int		 rc = -1;

	if (detection_get_str(y, o, "name", &name, NULL, errstr) == -1 ||
	    detection_get_str(y, o, "type", &type, NULL, errstr) == -1 ||
	    detection_get_list(y, o, "role", &roles, &nroles, errstr) == -1)
		goto out;
	rc = 0;
	if (name == NULL)
		goto out;
	for (m = detection_obs_map; m->role != NULL; m++)
		if (type != NULL && strcasecmp(type, m->type) == 0 &&
		    detection_strv_has(roles, nroles, m->role)) {
			detection_object_add(d, name, m->to,
			    m->threat ? 0 : d->risk_score, m->threat);
			goto out;
		}
	if (type != NULL && detection_strv_has(roles, nroles, "Attacker")) {
		lower = xstrdup(type);
		for (i = 0; lower[i] != '\0'; i++)
			if (lower[i] >= 'A' && lower[i] <= 'Z')
				lower[i] = (char)(lower[i] - 'A' + 'a');
		detection_object_add(d, name, lower, 0, true);
		free(lower);
		goto out;
	}
	detection_object_add(d, name, "other", d->risk_score, false);
out:
	free(name);
	free(type);
	detection_strv_free(roles, nroles);
	return rc;
}

/* rba.risk_objects (threat false) or rba.threat_objects (true). */
static int
detection_load_rba_objects(struct detection *d, struct detection_yaml *y,
    yaml_node_t *list, bool threat, char **errstr)
{
	yaml_node_item_t *i;
	yaml_node_t	*o;
	char		*field, *type;
	int		 score, rc = 0;

	if (list == NULL || list->type != YAML_SEQUENCE_NODE)
		return 0;
	for (i = list->data.sequence.items.start;
	    i < list->data.sequence.items.top && rc == 0; i++) {
		o = yaml_document_get_node(&y->doc, *i);
		field = type = NULL;
		score = 0;
		if (detection_get_str(y, o, "field", &field, NULL,
		    errstr) == -1 ||
		    detection_get_str(y, o, "type", &type, NULL,
		    errstr) == -1 ||
		    (!threat && detection_get_int(y, o, "score", true, &score,
		    errstr) == -1))
			rc = -1;
		else if (field != NULL)
			detection_object_add(d, field,
			    type != NULL ? type : "other", score, threat);
		free(field);
		free(type);
	}
	return rc;
}

int
detection_load_risk(struct detection *d, struct detection_yaml *y,
    yaml_node_t *tags, yaml_node_t *rba, char **errstr)
{
	yaml_node_t	*objs, *o;
	yaml_node_item_t *i;
	size_t		 k;
	int		 conf = 0, impact = 0, rc;

	if (detection_get_str(y, tags, "message", &d->risk_message, NULL,
	    errstr) == -1)
		return -1;
	if (d->risk_message == NULL && detection_get_str(y, rba, "message",
	    &d->risk_message, NULL, errstr) == -1)
		return -1;
	if (detection_get_list(y, tags, "kill_chain_phases", &d->kill_chain,
	    &d->nkill_chain, errstr) == -1)
		return -1;

	/* The score: tags.risk_score, else the top rba score, else */
	/* Splunk's confidence x impact / 100 (old files). */
	if ((rc = detection_get_int(y, tags, "risk_score", true,
	    &d->risk_score, errstr)) == -1)
		return -1;
	objs = detection_yaml_get(&y->doc, rba, "risk_objects");
	if (objs != NULL && objs->type == YAML_SEQUENCE_NODE) {
		if (detection_load_rba_objects(d, y, objs, false,
		    errstr) == -1 ||
		    detection_load_rba_objects(d, y, detection_yaml_get(
		    &y->doc, rba, "threat_objects"), true, errstr) == -1)
			return -1;
		if (rc == 0)
			for (k = 0; k < d->nobjects; k++)
				if (!d->objects[k].threat &&
				    d->objects[k].score > d->risk_score)
					d->risk_score = d->objects[k].score;
		return 0;
	}
	if (rc == 0) {
		if (detection_get_int(y, tags, "confidence", true, &conf,
		    errstr) == -1 ||
		    detection_get_int(y, tags, "impact", true, &impact,
		    errstr) == -1)
			return -1;
		d->risk_score = conf * impact / 100;
	}
	objs = detection_yaml_get(&y->doc, tags, "observable");
	if (objs == NULL || objs->type != YAML_SEQUENCE_NODE)
		return 0;
	for (i = objs->data.sequence.items.start;
	    i < objs->data.sequence.items.top; i++) {
		o = yaml_document_get_node(&y->doc, *i);
		if (detection_load_observable(d, y, o, errstr) == -1)
			return -1;
	}
	return 0;
}

void
detection_risk_free(struct detection *d)
{
	size_t	 i;

	free(d->risk_message);
	for (i = 0; i < d->nobjects; i++) {
		free(d->objects[i].field);
		free(d->objects[i].type);
	}
	free(d->objects);
	detection_strv_free(d->kill_chain, d->nkill_chain);
}

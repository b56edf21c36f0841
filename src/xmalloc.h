/* Allocation wrappers that call fatal() on out-of-memory. */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_XMALLOC_H
#define HECSENTRY_XMALLOC_H

#include <stddef.h>

void		*xmalloc(size_t);
void		*xcalloc(size_t, size_t);
void		*xreallocarray(void *, size_t, size_t);
char		*xstrdup(const char *);
char		*xstrndup(const char *, size_t);
int		 xasprintf(char **, const char *, ...)
		    __attribute__((__format__ (printf, 2, 3)));

#endif /* HECSENTRY_XMALLOC_H */

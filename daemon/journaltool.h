/*
 * journaltool.h: wallboardd's journal tools for people: check a state
 * directory's journal files, and export a day as protocol-v1 JSON Lines.
 */
#ifndef WALLBOARD_JOURNALTOOL_H
#define WALLBOARD_JOURNALTOOL_H

#include "config.h"

/* Verify each journal file in dir and print what it holds and what is
 * damaged. Returns the exit status: 0 clean (a torn tail is not damage),
 * 1 damage found, 2 when the directory or a file cannot be read. */
int journaltool_check(const char *dir);

/* Write the JOURNAL_EVENT records of `what` (a journal file, or a day of
 * config's state_dir: YYYY-MM-DD or its start in ms) to stdout, one line
 * each. config may be NULL when `what` is a file. Returns the exit status. */
int journaltool_export(const char *what, const struct config *config);

#endif

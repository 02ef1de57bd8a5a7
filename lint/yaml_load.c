/* yaml_load.c - loads one YAML document with libyaml, from a file or a
 * buffer, refusing nesting deeper than the rules and configs need (a
 * hostile file cannot exhaust the stack or memory). Shared by the config
 * and the rule catalog. */
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "config.h"

int hl_yaml_load_bounded(FILE *fp, const void *data, size_t len, const char *path, const char *tag,
                         struct yaml_document_s *doc, char *err, size_t errlen)
{
    yaml_parser_t parser;
    yaml_event_t ev;
    int depth = 0, done = 0, rc = -1;
    /* First the events, counting the nesting: libyaml's loader takes time
     * quadratic in the depth of flow collections ([[[[...), so a hostile
     * file is refused after HL_YAML_MAX_DEPTH levels, not parsed whole. */
    yaml_parser_initialize(&parser);
    if (fp)
        yaml_parser_set_input_file(&parser, fp);
    else
        yaml_parser_set_input_string(&parser, data, len);
    while (!done) {
        if (!yaml_parser_parse(&parser, &ev))
            goto bad_yaml;
        if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) {
            if (++depth > HL_YAML_MAX_DEPTH) {
                snprintf(err, errlen,
                         "%s:%zu:%zu: %snested more than %d levels deep; hotlint's YAML "
                         "files need a few levels, flatten this one",
                         path, ev.start_mark.line + 1, ev.start_mark.column + 1, tag,
                         HL_YAML_MAX_DEPTH);
                yaml_event_delete(&ev);
                goto out;
            }
        } else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT) {
            depth--;
        }
        done = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    yaml_parser_initialize(&parser);
    if (fp) {
        rewind(fp);
        yaml_parser_set_input_file(&parser, fp);
    } else {
        yaml_parser_set_input_string(&parser, data, len);
    }
    if (!yaml_parser_load(&parser, doc))
        goto bad_yaml;
    rc = 0;
    goto out;
bad_yaml:
    snprintf(err, errlen, "%s:%zu:%zu: %sinvalid YAML: %s%s%s", path, parser.problem_mark.line + 1,
             parser.problem_mark.column + 1, tag, parser.problem ? parser.problem : "syntax error",
             parser.context ? " " : "", parser.context ? parser.context : "");
out:
    yaml_parser_delete(&parser);
    return rc;
}

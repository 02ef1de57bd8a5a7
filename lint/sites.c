/* sites.c - one finding per rule, loop and callee: "strcat(row, cell);
 * strcat(row, sep);" is one fix, so the second call becomes a note of the
 * first, a further site that verify counts with it. Calls in different arms
 * of one if/else or switch are kept apart: no iteration runs both, and the
 * compiler may merge them into one call (verify's merged verdict). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast_facts.h"

void lx_record_arms(tu_state *st, call_fact *cf, CXCursor call, const frame *f)
{
    CXCursor loop = f->loop >= 0 ? st->loops[f->loop].cur : clang_getNullCursor();
    CXCursor from = call;
    cf->n_arms = 0;
    for (const frame *u = f; u && cf->n_arms < 6; from = u->cur, u = u->up) {
        if (!clang_Cursor_isNull(loop) && clang_equalCursors(u->cur, loop))
            break;
        enum CXCursorKind k = clang_getCursorKind(u->cur);
        unsigned arm;
        if (k == CXCursor_IfStmt) {
            struct kids ks = lx_children(u->cur);
            arm = 0;
            for (unsigned i = 1; i < ks.n; i++)
                if (clang_equalCursors(ks.v[i], from))
                    arm = i;
            if (!arm)
                continue; /* in the condition: runs whichever arm follows */
        } else if (k == CXCursor_CaseStmt || k == CXCursor_DefaultStmt) {
            lx_cursor_line(u->cur, false, &arm); /* the label's offset names the arm */
            /* the switch is the statement: find it further up */
            const frame *sw = u->up;
            while (sw && clang_getCursorKind(sw->cur) != CXCursor_SwitchStmt)
                sw = sw->up;
            if (!sw)
                continue;
            lx_cursor_line(sw->cur, false, &cf->arm_stmt[cf->n_arms]);
            cf->arm[cf->n_arms++] = (unsigned char)(arm & 0xff);
            continue;
        } else {
            continue;
        }
        lx_cursor_line(u->cur, false, &cf->arm_stmt[cf->n_arms]);
        cf->arm[cf->n_arms++] = (unsigned char)arm;
    }
}

static bool exclusive(const call_fact *a, const call_fact *b)
{
    for (unsigned i = 0; i < a->n_arms; i++)
        for (unsigned k = 0; k < b->n_arms; k++)
            if (a->arm_stmt[i] == b->arm_stmt[k] && a->arm[i] != b->arm[k])
                return true;
    return false;
}

void lx_merge_sites(tu_state *st, size_t first_item)
{
    hl_file_result *res = st->res;
    if (st->n_emitted != res->n - first_item)
        return; /* not one call fact per finding: leave them as they are */
    for (size_t i = first_item; i < res->n; i++) {
        hl_finding *keep = &res->items[i];
        size_t ki = st->emitted[i - first_item];
        if (ki == SIZE_MAX || !keep->rule)
            continue;
        const call_fact *ck = &st->calls[ki];
        if (ck->loop < 0 || ck->ctx == CTX_NONE)
            continue;
        for (size_t k = i + 1; k < res->n; k++) {
            hl_finding *o = &res->items[k];
            size_t oi = st->emitted[k - first_item];
            if (oi == SIZE_MAX)
                continue;
            const call_fact *co = &st->calls[oi];
            if (!o->rule || o->rule != keep->rule || co->loop != ck->loop || co->ctx == CTX_NONE ||
                o->heat != keep->heat || strcmp(co->callee, ck->callee) ||
                strcmp(o->abs_file, keep->abs_file) || exclusive(ck, co))
                continue;
            char msg[200];
            snprintf(msg, sizeof msg, "%s is also called here, in the same loop", co->callee);
            if (hl_finding_add_note(keep, NULL, o->line, o->column, msg) < 0) {
                st->oom = true;
                return;
            }
            keep->notes[keep->n_notes - 1].end_line = o->end_line > o->line ? o->end_line : o->line;
            keep->notes[keep->n_notes - 1].end_column = o->end_column;
            hl_finding_clear(o); /* rule NULL: dropped below */
        }
    }
    size_t w = first_item;
    for (size_t i = first_item; i < res->n; i++)
        if (res->items[i].rule)
            res->items[w++] = res->items[i];
    res->n = w;
}

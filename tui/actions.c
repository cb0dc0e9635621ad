/* actions.c - lookups over the action table of actions.h. */
#include "actions.h"

#include <string.h>

static const tui_action_info table[] = {{TUI_ACT_NONE, "", "", TUI_GROUP_NAV, NULL, ""},
#define TUI_ACT_ROW(id, name, keys, group, verb, help)                                             \
    {TUI_ACT_##id, name, keys, TUI_GROUP_##group, verb, help},
                                        TUI_ACTIONS(TUI_ACT_ROW)
#undef TUI_ACT_ROW
};

static const char *const group_titles[] = {
#define TUI_GROUP_TITLE(id, title) title,
    TUI_GROUPS(TUI_GROUP_TITLE)
#undef TUI_GROUP_TITLE
};

const tui_action_info *tui_action_get(tui_action a)
{
    if (a <= TUI_ACT_NONE || a >= TUI_ACT_COUNT)
        return NULL;
    return &table[a];
}

tui_action tui_action_by_name(const char *name)
{
    for (int a = 1; a < TUI_ACT_COUNT; a++)
        if (strcmp(table[a].name, name) == 0)
            return (tui_action)a;
    return TUI_ACT_NONE;
}

tui_action tui_action_by_verb(const char *verb)
{
    for (int a = 1; a < TUI_ACT_COUNT; a++)
        if (table[a].verb && strcmp(table[a].verb, verb) == 0)
            return (tui_action)a;
    return TUI_ACT_NONE;
}

const char *tui_group_title(tui_group g)
{
    return g < TUI_GROUP_COUNT ? group_titles[g] : "";
}

bool tui_action_writes(tui_action a)
{
    const tui_action_info *info = tui_action_get(a);
    return info && info->group == TUI_GROUP_ADMIN;
}

size_t tui_action_complete(const char *prefix, const char **out, size_t max, size_t *common)
{
    size_t plen = strlen(prefix), n = 0, shared = 0;
    const char *first = NULL;
    for (int a = 1; a < TUI_ACT_COUNT; a++) {
        const char *name = table[a].name;
        if (strncmp(name, prefix, plen) != 0)
            continue;
        if (!first) {
            first = name;
            shared = strlen(name);
        } else {
            size_t k = 0;
            while (k < shared && name[k] == first[k])
                k++;
            shared = k;
        }
        if (n < max)
            out[n] = name;
        n++;
    }
    if (common)
        *common = first ? shared : plen;
    return n;
}

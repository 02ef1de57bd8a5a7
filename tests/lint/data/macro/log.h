/* log.h - a logging macro whose expansion formats a string. */
#include <stdio.h>
#define LOG_KEY(buf, id) snprintf((buf), sizeof(buf), "key:%d", (id))

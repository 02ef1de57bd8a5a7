/* Columns after tabs: SARIF counts a tab as one code point, the caret expands it to 8. */
#include <stdio.h>
void g(char *b, int n)
{
	for (int i = 0; i < n; i++) {
		/*x*/	snprintf(b, 8, "%d", i);
	}
}

/* placeholder until the HPACK tool lands */
#include <stdio.h>
int main(void) { fprintf(stderr, "hpack-tool: not built yet\n"); return 2; }

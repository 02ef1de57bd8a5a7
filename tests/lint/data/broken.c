/* Does not parse: a missing semicolon and an undeclared name. */
int f(int x)
{
    int y = x * 2
    return y + undeclared_name;
}

def userinfo(claims, user):
    """The standard claims the provider answers for its user (as Entra ID answers its
    own): the address, verified, and the names."""
    claims["email"] = user.email
    claims["email_verified"] = True
    claims["given_name"] = user.first_name
    claims["family_name"] = user.last_name
    claims["name"] = user.get_full_name()
    return claims

"""Forms by subject: plans and draws, the inspector on site, rectification."""

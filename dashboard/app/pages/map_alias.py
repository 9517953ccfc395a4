"""/ban-do: the map page at its own address (the default page answers at /)."""

from dashboard.app.pages.map_page import render

render()

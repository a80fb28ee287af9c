# lblc: one virtual address, so one server while it is not overloaded
adm -C
adm -A -t $VIP:$PORT -s lblc
adm -a -t $VIP:$PORT -r $BE1:80 -m -w 1
adm -a -t $VIP:$PORT -r $BE2:80 -m -w 2
adm -a -t $VIP:$PORT -r $BE3:80 -m -w 1
get 4
get 2 10.10.0.21
check

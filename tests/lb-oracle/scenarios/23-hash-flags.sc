# Scheduler flags: sh-port and mh-port hash the client port too (every
# request has its own); sh-fallback moves a quiesced server's clients
adm -C
adm -A -t $VIP:$PORT -s sh -b sh-port
adm -a -t $VIP:$PORT -r $BE1:80 -m
adm -a -t $VIP:$PORT -r $BE2:80 -m
adm -a -t $VIP:$PORT -r $BE3:80 -m
get 6
adm -E -t $VIP:$PORT -s mh -b mh-port
get 6
adm -E -t $VIP:$PORT -s sh -b sh-fallback
get 1 10.10.0.21,10.10.0.22,10.10.0.23,10.10.0.24
adm -e -t $VIP:$PORT -r $BE2:80 -m -w 0
get 1 10.10.0.21,10.10.0.22,10.10.0.23,10.10.0.24
check
